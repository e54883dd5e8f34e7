// `npm run build`, second half: the browser bundle (dist/client), always rebuilt.
import { ensureWebBuild } from '../src/web/server/build.ts';

const started = Date.now();
await ensureWebBuild({ force: true });
console.log(`web app built in ${Date.now() - started} ms → dist/client`);
