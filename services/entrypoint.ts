// The container image's entry point: one image serves both Deployments, and the first argument
// (args: ["service-a"] or ["service-b"] in the manifests) picks which service this process runs.
const SERVICES = new Map([
  ['service-a', './a/main.js'],
  ['service-b', './b/main.js'],
]);

const chosen = process.argv[2];
const main = chosen === undefined ? undefined : SERVICES.get(chosen);
if (main === undefined) {
  process.stderr.write(`entrypoint: the first argument must be one of ${[...SERVICES.keys()].join(', ')}, got ${chosen ?? 'none'}\n`);
  process.exit(2);
}
// The service reads its configuration from the environment; its own argv starts after the choice.
process.argv.splice(2, 1);
await import(main);
