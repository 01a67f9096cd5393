// Copies Apache ECharts' minified browser bundle from the pinned echarts package
// (tools/browser/package.json) into miniprogram_api/static/echarts/, with its licence and notice
// texts, and writes the README there. Run after changing the pinned version: `npm run vendor-echarts`.
// tests/screens/test_console_reports.py checks the README names the pinned version, and
// tests/browser/test_console.py that the vendored files equal the package's.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "node_modules", "echarts");
const target = join(here, "..", "..", "miniprogram_api", "static", "echarts");

// The bundle the console's reports page loads, and the texts that must travel with it.
const FILES = [
  ["dist/echarts.min.js", "echarts.min.js"],
  ["LICENSE", "LICENSE"],
  ["NOTICE", "NOTICE"],
  ["licenses/LICENSE-d3", "LICENSE-d3"],
];

const { version } = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
for (const [from, to] of FILES) copyFileSync(join(source, from), join(target, to));
writeFileSync(join(target, "README.md"), `# Apache ECharts (vendored)

\`echarts\` **${version}** from the npm registry (Apache-2.0: see LICENSE and NOTICE; LICENSE-d3 is
the notice of the d3 code the bundle contains). Only \`dist/echarts.min.js\` is here, renamed
\`echarts.min.js\`; the app serves it at \`/static/echarts/echarts.min.js\` for the staff console's
reports page (\`/console/reports\`), so the charts draw with no network and no CDN. The files are
byte-identical to the package's (\`tests/browser/test_console.py\` checks).

To refresh: set the new exact version of \`echarts\` in \`tools/browser/package.json\`, then

    cd tools/browser && npm install --ignore-scripts && npm run vendor-echarts

and commit \`tools/browser/package-lock.json\` with this folder (this README is rewritten).
`);
console.log(`vendored echarts ${version}: ${readdirSync(target).sort().join(", ")}`);
