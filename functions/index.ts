// Entry point of the Cloud Functions deployment: each function lives in its own thin file in this
// folder and registers itself with functions-framework; this file only imports them. The functions
// arrive with the functions issue; until then the deployable surface is empty on purpose.
export {};
