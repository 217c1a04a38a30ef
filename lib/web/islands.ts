/**
 * Islands, server side. A component exported by default from a file under islands/ renders
 * on the server like any other, but wrapped in a root element that names it and carries its
 * props as JSON; the client runtime (client/hydrate.ts) finds those roots and hydrates them.
 *
 *   <hartslag-island data-island="LiveCounters" data-props="{&quot;appId&quot;:…}">
 *     …server-rendered markup…
 *   </hartslag-island>
 *
 * Marking works as in Fresh 1: a Preact `options.vnode` hook swaps an island's component
 * for a wrapper when a vnode of it is created, so pages import and use islands as plain
 * components. Rules: props must survive JSON (no functions, no children, no bigints); an
 * island rendered inside another island is not marked again (it hydrates with its parent).
 */
import { type ComponentType, h, options, type VNode } from "preact";

export const ISLAND_TAG = "hartslag-island";

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;

const names = new Map<unknown, string>();
const wrappers = new Map<unknown, AnyComponent>();
const wrapperSet = new WeakSet<object>();
/** Islands used by the render in progress (renderToString is synchronous). */
let used: Set<string> | undefined;
/** Depth of island wrappers open in the render in progress. */
let depth = 0;

/** The island name of a file path under islands/: `./islands/LiveCounters.tsx` → `LiveCounters`. */
export function islandName(file: string): string {
  const match = file.match(/(?:^|\/)islands\/([A-Z][A-Za-z0-9]*)\.(?:tsx|jsx|ts|js)$/);
  if (!match) {
    throw new Error(`${file}: an island is one PascalCase file directly under islands/`);
  }
  return match[1];
}

function wrapperFor(name: string, original: AnyComponent): AnyComponent {
  let wrapper = wrappers.get(original);
  if (wrapper) return wrapper;
  wrapper = function IslandRoot(props: Record<string, unknown>) {
    if ("children" in props && props.children !== undefined) {
      throw new Error(`island ${name}: children cannot be passed to an island`);
    }
    const inner = h(original, props) as VNode;
    inner.type = original; // the hook just wrapped this vnode again: undo that
    if (depth > 1) return inner; // its own diff hook already counted this wrapper
    used?.add(name);
    return h(ISLAND_TAG, { "data-island": name, "data-props": JSON.stringify(props) }, inner);
  };
  wrapper.displayName = `Island(${name})`;
  wrappers.set(original, wrapper);
  wrapperSet.add(wrapper);
  return wrapper;
}

let hooked = false;

function installHook() {
  if (hooked) return;
  hooked = true;
  const previousVnode = options.vnode;
  options.vnode = (vnode) => {
    const name = names.get(vnode.type);
    if (name !== undefined) vnode.type = wrapperFor(name, vnode.type as AnyComponent);
    previousVnode?.(vnode);
  };
  // Track nesting so that an island inside an island is rendered unmarked.
  const o = options as Record<string, unknown>;
  const previousDiff = o.__b as ((v: VNode) => void) | undefined;
  const previousDiffed = o.diffed as ((v: VNode) => void) | undefined;
  o.__b = (vnode: VNode) => {
    if (isWrapper(vnode.type)) depth++;
    previousDiff?.(vnode);
  };
  o.diffed = (vnode: VNode) => {
    if (isWrapper(vnode.type)) depth--;
    previousDiffed?.(vnode);
  };
}

function isWrapper(type: unknown): boolean {
  return typeof type === "function" && wrapperSet.has(type);
}

/** Makes `component` an island called `name`; returns it unchanged. */
export function registerIsland(name: string, component: AnyComponent): AnyComponent {
  installHook();
  names.set(component, name);
  return component;
}

/** Registers every island of a manifest (`./islands/Name.tsx` → its default export). */
export function registerIslands(
  // deno-lint-ignore no-explicit-any
  islands: Record<string, { default: (props: any) => unknown }> = {},
): string[] {
  return Object.entries(islands).map(([file, module]) => {
    const name = islandName(file);
    registerIsland(name, module.default as AnyComponent);
    return name;
  });
}

/** Runs a synchronous render and reports which islands it marked. */
export function collectIslands<T>(render: () => T): { result: T; islands: string[] } {
  const outer = used;
  const outerDepth = depth;
  used = new Set();
  depth = 0;
  try {
    const result = render();
    return { result, islands: [...used] };
  } finally {
    used = outer;
    depth = outerDepth;
  }
}
