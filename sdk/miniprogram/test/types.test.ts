// The typed surface: paths, methods, parameters and bodies come from the generated `paths`. The
// `@ts-expect-error` lines are the test: `npm run typecheck` fails if any of them compiles.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createClient, type ApiPath, type PathsFor, type Schemas, type Success, type Operation } from "../src/client";
import { fakeWx } from "./fake-wx";

// Compile-time equality of two types.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const same = <A, B>(value: Equal<A, B>) => value;

export function rejectedByTheCompiler(api: ReturnType<typeof createClient>) {
  // @ts-expect-error no such path
  void api.get("/no-such-path");
  // @ts-expect-error the base path is not written
  void api.get("/api/v1/activities");
  // @ts-expect-error no POST on the activity list
  void api.post("/activities", {});
  // @ts-expect-error a query parameter of the wrong type
  void api.get("/activities", { query: { site_id: "3" } });
  // @ts-expect-error an unknown query parameter
  void api.get("/activities", { query: { colour: "red" } });
  // @ts-expect-error path parameters are required where the path has them
  void api.post("/activities/{activity_id}/signups", { body: { resident_id: 2 } });
  // @ts-expect-error the body is required where the document says so
  void api.post("/activities/{activity_id}/signups", { path: { activity_id: 1 } });
  // @ts-expect-error an unknown body field
  void api.post("/activities/{activity_id}/signups", { path: { activity_id: 1 }, body: { resident: 2 } });
  // @ts-expect-error a body on a GET
  void api.get("/me", { body: {} });
  // @ts-expect-error idempotencyKey is a boolean or a string
  void api.post("/auth/logout", { idempotencyKey: 1 });
}

test("typed paths and responses (checked at compile time)", async () => {
  const getPath: PathsFor<"get"> = "/activities";
  const anyPath: ApiPath = "/activities/{activity_id}/signups";
  same<Success<Operation<"/activities/{activity_id}/signups", "post">>, Schemas["SignupOut"]>(true);
  same<Success<Operation<"/activities", "get">>, Schemas["ActivityPage"]>(true);
  same<Success<Operation<"/auth/logout", "post">>, undefined>(true);
  same<Schemas["ActivityOut"]["starts_at"], string | undefined>(true); // times stay strings

  const wx = fakeWx({ body: { items: [] } });
  const page = await createClient({ baseUrl: "http://127.0.0.1", request: wx.request }).get(getPath);
  assert.deepEqual(page, { items: [] });
  assert.equal(anyPath, "/activities/{activity_id}/signups");
});
