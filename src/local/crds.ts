// Installs the generated CRDs (crds/*.yaml) into the API server, replacing older copies, as
// `kubectl apply -f crds/` would.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Effect } from "effect";
import { parseAllDocuments } from "yaml";
import { KubeClient, type KubeObject, refs } from "../kube/index";

export const CRD_DIR = join(import.meta.dir, "..", "..", "crds");

const readCrds = Effect.promise(async () => {
  const files = (await readdir(CRD_DIR)).filter((f) => f.endsWith(".yaml")).sort();
  const docs = await Promise.all(
    files.map(async (f) => parseAllDocuments(await readFile(join(CRD_DIR, f), "utf8"))),
  );
  return docs.flat().map((doc) => doc.toJS() as KubeObject);
});

export const installCrds = Effect.gen(function* () {
  const kube = yield* KubeClient;
  const crds = yield* readCrds;
  for (const crd of crds) {
    const name = crd.metadata?.name ?? "";
    yield* kube.get(refs.customResourceDefinition, name).pipe(
      Effect.flatMap((existing) =>
        kube.replace(refs.customResourceDefinition, {
          ...crd,
          metadata: { ...crd.metadata, resourceVersion: existing.metadata?.resourceVersion ?? "" },
        }),
      ),
      Effect.catchTag("NotFound", () => kube.create(refs.customResourceDefinition, crd)),
    );
  }
  return crds.length;
});
