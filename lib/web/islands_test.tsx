import { deepStrictEqual as equal, ok, throws } from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { collectIslands, islandName, registerIsland } from "./islands.ts";

function Counter({ start, label }: { start: number; label: string }) {
  return <button type="button">{label}: {start}</button>;
}
function Outer({ n }: { n: number }) {
  return (
    <div>
      <Counter start={n} label="inner" />
    </div>
  );
}
function Plain() {
  return <p>plain</p>;
}
registerIsland("Counter", Counter);
registerIsland("Outer", Outer);

Deno.test("islandName takes PascalCase files directly under islands/", () => {
  equal(islandName("./islands/LiveCounters.tsx"), "LiveCounters");
  throws(() => islandName("./islands/live.tsx"));
  throws(() => islandName("./islands/nested/Thing.tsx"));
});

Deno.test("an island renders inside a root that names it and carries its props", () => {
  const { result, islands } = collectIslands(() =>
    renderToString(
      <main>
        <Plain />
        <Counter start={3} label={`<b>"hi"</b>`} />
      </main>,
    )
  );
  equal(islands, ["Counter"]);
  equal(
    result,
    "<main><p>plain</p>" +
      '<hartslag-island data-island="Counter" data-props="{&quot;start&quot;:3,&quot;label&quot;:&quot;&lt;b>\\&quot;hi\\&quot;&lt;/b>&quot;}">' +
      '<button type="button">&lt;b>&quot;hi&quot;&lt;/b>: 3</button></hartslag-island></main>',
  );
  const props = result.match(/data-props="([^"]*)"/)![1].replaceAll("&quot;", '"')
    .replaceAll("&lt;", "<").replaceAll("&amp;", "&");
  equal(JSON.parse(props), { start: 3, label: `<b>"hi"</b>` });
});

Deno.test("an island inside an island is not marked again", () => {
  const { result, islands } = collectIslands(() => renderToString(<Outer n={1} />));
  equal(islands, ["Outer"]);
  equal(result.match(/<hartslag-island/g)?.length, 1);
  ok(result.includes("inner: 1"));
  // …and the marking state does not leak into the next render.
  const next = collectIslands(() => renderToString(<Counter start={2} label="x" />));
  equal(next.islands, ["Counter"]);
});

Deno.test("a render without islands reports none; children are refused", () => {
  equal(collectIslands(() => renderToString(<Plain />)).islands, []);
  throws(() =>
    renderToString(
      // deno-lint-ignore no-explicit-any
      <Counter {...({ start: 1, label: "x", children: <i /> } as any)} />,
    ), /children/);
});
