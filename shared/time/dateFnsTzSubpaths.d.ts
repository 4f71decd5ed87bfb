// date-fns-tz declares its subpath exports only for `moduleResolution: node16`; this project
// resolves as `node`, so the one subpath it imports is declared here.
declare module 'date-fns-tz/fromZonedTime' {
  export function fromZonedTime(date: Date | string | number, timeZone: string): Date;
}
