// Against a real server (API_BASE, e.g. http://127.0.0.1:8000, running with the WeChat fake and
// `flask --app wsgi seed-demo`): log in as the demo family, find their resident, sign them up for a
// published activity they are not signed up for yet, and see the errors the mini-program branches on.
// tests/sdk/test_sdk.py runs this against gunicorn on a fresh database. Skipped without API_BASE.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError, createClient, randomKey } from "../src/client";
import { wxRequestOverFetch } from "./wx-fetch";

const API_BASE = process.env["API_BASE"];
const OFFSET_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?[+-]\d{2}:\d{2}$/;

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    return error;
  }
  assert.fail("the call succeeded");
}

test("live: the demo family signs their resident up for an activity", { skip: API_BASE ? false : "API_BASE is not set" }, async () => {
  let token: string | undefined;
  const api = createClient({ baseUrl: API_BASE!, request: wxRequestOverFetch, getToken: () => token });

  // The WeChat fake's rule: a code "NAME#anything" logs in the user whose openid is NAME.
  const login = await api.post("/auth/login", { body: { code: `family#${randomKey()}` } });
  assert.equal(typeof login.token, "string");
  assert.match(login.expires_at!, OFFSET_TIME);
  token = login.token;

  const residents = await api.get("/me/residents");
  const resident = residents.items?.[0];
  assert.ok(resident?.id, "the demo family has a resident");

  const page = await api.get("/activities", { query: { page_size: 100 } });
  assert.ok((page.items ?? []).length >= 2, "seed-demo publishes two activities");
  for (const activity of page.items ?? []) {
    assert.equal(typeof activity.starts_at, "string");
    assert.match(activity.starts_at!, OFFSET_TIME, "times keep their offset");
  }
  const target = (page.items ?? []).find((a) => a.status === "published"
    && !(a.my_signups ?? []).some((s) => s.resident_id === resident.id && s.status !== "cancelled"));
  assert.ok(target?.id, "a published activity the resident is not signed up for (a freshly seeded database has one)");

  const key = randomKey();
  const signup = await api.post("/activities/{activity_id}/signups", {
    path: { activity_id: target.id }, body: { resident_id: resident.id, companions: 0 }, idempotencyKey: key });
  assert.ok(signup.status === "confirmed" || signup.status === "waitlisted", `status ${signup.status}`);
  assert.equal(signup.resident_id, resident.id);

  // The same call again with the same key is the first response replayed, not a second signup…
  const replayed = await api.post("/activities/{activity_id}/signups", {
    path: { activity_id: target.id }, body: { resident_id: resident.id, companions: 0 }, idempotencyKey: key });
  assert.deepEqual(replayed, signup);

  // …while a new attempt (a fresh key) is refused with the stable code.
  const twice = await apiError(api.post("/activities/{activity_id}/signups", {
    path: { activity_id: target.id }, body: { resident_id: resident.id, companions: 0 } }));
  assert.equal(twice.status, 409);
  assert.equal(twice.code, "already_signed_up");
  assert.ok(twice.message.length > 0);

  const mine = await api.get("/activities/{activity_id}", { path: { activity_id: target.id } });
  assert.ok((mine.my_signups ?? []).some((s) => s.id === signup.id));

  const invalid = await apiError(api.post("/activities/{activity_id}/signups", {
    path: { activity_id: target.id }, body: { resident_id: resident.id, companions: 9 } }));
  assert.equal(invalid.status, 422);
  assert.equal(invalid.code, "validation_error");
  assert.ok(invalid.fields && "companions" in invalid.fields, JSON.stringify(invalid.fields));

  token = undefined;
  const anonymous = await apiError(api.get("/me"));
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.code, "unauthenticated");
});
