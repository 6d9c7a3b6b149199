// The one entry to zod: every module imports `z` from here, so zod's configuration is set before any
// schema runs. `jitless` keeps zod from probing `new Function` (it compiles fast parsers when it can),
// which the app's Content-Security-Policy (no 'unsafe-eval') reports as a violation.
import { z } from 'zod';

z.config({ jitless: true });

export { z };
