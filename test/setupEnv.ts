// Google clients otherwise probe the cloud metadata address; tests must never leave loopback.
process.env.METADATA_SERVER_DETECTION = 'none';
