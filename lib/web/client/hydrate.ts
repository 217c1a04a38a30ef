/**
 * The browser half of islands: finds every island root the server marked, loads that
 * island's bundle (a sibling of this file in the build folder) and hydrates the
 * server-rendered markup with the props the server serialised. Shipped only to pages that
 * use an island.
 */
import { h, hydrate } from "preact";

const roots = document.querySelectorAll<HTMLElement>("hartslag-island[data-island]");
const modules = new Map<string, Promise<{ default: (props: unknown) => unknown }>>();

for (const root of roots) {
  // An island inside another island's markup is hydrated by its parent.
  if (root.parentElement?.closest("hartslag-island")) continue;
  const name = root.dataset.island ?? "";
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) continue;
  let module = modules.get(name);
  if (!module) {
    module = import(new URL(`./${name}.js`, import.meta.url).href);
    modules.set(name, module);
  }
  module.then((m) => {
    const props = JSON.parse(root.dataset.props ?? "{}");
    // deno-lint-ignore no-explicit-any
    hydrate(h(m.default as any, props), root);
    root.dataset.hydrated = "";
  }).catch((error) => console.error(`island ${name} failed to start`, error));
}
