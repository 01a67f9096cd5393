// Copies the files the /api/v1/docs page needs from the pinned swagger-ui-dist package
// (tools/browser/package.json) into miniprogram_api/static/swagger-ui/, with its licence texts,
// and writes the README there. Run after changing the pinned version: `npm run vendor-swagger-ui`.
// tests/browser/test_api_docs.py checks that the vendored files equal the pinned package's.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "node_modules", "swagger-ui-dist");
const target = join(here, "..", "..", "miniprogram_api", "static", "swagger-ui");

// What flask-smorest's swagger_ui.html links, and the licence and notice texts that must travel with them.
const FILES = [
  "swagger-ui.css",
  "swagger-ui-bundle.js",
  "swagger-ui-standalone-preset.js",
  "LICENSE",
  "NOTICE",
  "swagger-ui-bundle.js.LICENSE.txt",
  "swagger-ui-standalone-preset.js.LICENSE.txt",
];

const { version } = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
for (const name of FILES) copyFileSync(join(source, name), join(target, name));
writeFileSync(join(target, "README.md"), `# Swagger UI (vendored)

\`swagger-ui-dist\` **${version}** from the npm registry (Apache-2.0: see LICENSE and NOTICE; the
bundles' third-party notices are in the \`*.LICENSE.txt\` files). Only the files the \`/api/v1/docs\`
page links are here; the app serves them at \`OPENAPI_SWAGGER_UI_URL\` (\`miniprogram_api/swagger_ui.py\`),
so the docs page works with no network. The files are byte-identical to the package's
(\`tests/browser/test_api_docs.py\` checks).

To refresh: set the new exact version of \`swagger-ui-dist\` in \`tools/browser/package.json\`, then

    cd tools/browser && npm install --ignore-scripts && npm run vendor-swagger-ui

and commit \`tools/browser/package-lock.json\` with this folder (this README is rewritten).

Why not newer: 5.33.0 to 5.35.0 stop rendering the operation list after a few tags once a document
has more than about 138 operations (ours has 149), with no error on the page; 5.32.15 renders them
all. \`tests/browser/test_api_docs.py\` fails on such a version.
`);
console.log(`vendored swagger-ui-dist ${version}: ${readdirSync(target).sort().join(", ")}`);
