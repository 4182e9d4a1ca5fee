/** The package version (kept equal to package.json's by a unit test; the runtime reads no files). */
export const VERSION = '0.1.0';
