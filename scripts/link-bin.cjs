// Links bin/closeloop.js into node_modules/.bin so `npx closeloop ...` runs this project's CLI.
const fs = require('node:fs');
const path = require('node:path');
const bin = path.join(__dirname, '..', 'node_modules', '.bin');
fs.mkdirSync(bin, { recursive: true });
const link = path.join(bin, 'closeloop');
try {
  fs.unlinkSync(link);
} catch {
  /* not there yet */
}
fs.symlinkSync(path.join('..', '..', 'bin', 'closeloop.js'), link);
