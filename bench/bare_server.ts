// The baseline: a bare Deno.serve that reads the body and answers what the events API
// answers, with no routing, validation or storage.
const port = Number(Deno.args[0] ?? 0);
Deno.serve({
  port,
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.log(`listening ${port}`),
}, async (req) => {
  await req.arrayBuffer();
  return new Response("[]", { status: 201, headers: { "content-type": "application/json" } });
});
