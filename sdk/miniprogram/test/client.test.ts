// The wrapper against a fake wx.request: URLs and headers, JSON, the error envelope, idempotency
// keys and retries.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ApiError, createClient, parseRetryAfter, type ClientConfig } from "../src/client";
import { fakeWx, header, type FakeWx, type Scripted } from "./fake-wx";

const BASE = "https://zhucan.example.org";

function client(wx: FakeWx, config: Partial<ClientConfig> = {}) {
  return createClient({ baseUrl: BASE + "/", request: wx.request, sleep: wx.sleep, random: () => 0.5,
                        getToken: () => "tok-1", ...config });
}

const busy: Scripted = { status: 503, body: { error: { code: "busy", message: "服务繁忙，请稍后再试" } } };
const upstream: Scripted = { status: 503, body: { error: { code: "upstream_unavailable", message: "微信服务暂时不可用，请稍后再试" } } };
const created: Scripted = { status: 201, body: { id: 7, status: "confirmed", waitlist_position: null } };

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    return error;
  }
  assert.fail("the call succeeded");
}

describe("requests", () => {
  test("GET: base path, query string, bearer token, JSON out, times left as strings", async () => {
    const body = { items: [{ id: 1, starts_at: "2026-12-04T09:00:00+08:00" }], page: 1, page_size: 20, total: 1 };
    const wx = fakeWx({ body });
    const page = await client(wx).get("/activities", { query: { site_id: 3, has_seats: true, category: undefined } });
    assert.deepEqual(page, body);
    assert.equal(page.items?.[0]?.starts_at, "2026-12-04T09:00:00+08:00");
    const call = wx.calls[0]!;
    assert.equal(call.method, "GET");
    assert.equal(call.url, `${BASE}/api/v1/activities?site_id=3&has_seats=true`);
    assert.equal(header(call, "Authorization"), "Bearer tok-1");
    assert.equal(header(call, "Idempotency-Key"), undefined);
    assert.equal(call.data, undefined);
  });

  test("path parameters are filled in and encoded; no token, no Authorization", async () => {
    const wx = fakeWx({ body: { id: 5 } });
    await client(wx, { getToken: () => null }).get("/sites/{site_id}", { path: { site_id: 5 } });
    assert.equal(wx.calls[0]!.url, `${BASE}/api/v1/sites/5`);
    assert.equal(header(wx.calls[0], "Authorization"), undefined);
    await assert.rejects(createClient({ baseUrl: BASE, request: wx.request })
      .get("/sites/{site_id}", { path: {} as { site_id: number } }), /missing path parameter "site_id"/);
    assert.equal(wx.calls.length, 1);
  });

  test("POST: a JSON body and a fresh Idempotency-Key of at most 64 characters per call", async () => {
    const wx = fakeWx(created, created);
    const api = client(wx);
    const signup = await api.post("/activities/{activity_id}/signups",
                                  { path: { activity_id: 9 }, body: { resident_id: 2, companions: 1 } });
    assert.equal(signup.status, "confirmed");
    await api.post("/activities/{activity_id}/signups", { path: { activity_id: 9 }, body: { resident_id: 3 } });
    const [first, second] = wx.calls;
    assert.equal(first!.method, "POST");
    assert.equal(first!.url, `${BASE}/api/v1/activities/9/signups`);
    assert.deepEqual(JSON.parse(first!.data!), { resident_id: 2, companions: 1 });
    assert.match(header(first, "Content-Type")!, /^application\/json/);
    const keys = [header(first, "Idempotency-Key"), header(second, "Idempotency-Key")];
    for (const key of keys) assert.match(key!, /^[\x21-\x7e]{1,64}$/);
    assert.notEqual(keys[0], keys[1]);
  });

  test("Idempotency-Key per call: off, a given key, an invalid key refused before sending", async () => {
    const wx = fakeWx(created, created);
    const api = client(wx);
    await api.post("/activities/{activity_id}/signups", { path: { activity_id: 1 }, body: {}, idempotencyKey: false });
    assert.equal(header(wx.calls[0], "Idempotency-Key"), undefined);
    await api.post("/activities/{activity_id}/signups", { path: { activity_id: 1 }, body: {}, idempotencyKey: "order-42" });
    assert.equal(header(wx.calls[1], "Idempotency-Key"), "order-42");
    await assert.rejects(api.post("/activities/{activity_id}/signups",
                                  { path: { activity_id: 1 }, body: {}, idempotencyKey: "x".repeat(65) }), TypeError);
    assert.equal(wx.calls.length, 2);
  });

  test("204 gives undefined; a body wx already parsed is taken as is", async () => {
    const wx = fakeWx({ status: 204 });
    assert.equal(await client(wx).post("/auth/logout"), undefined);
    const parsed = createClient({ baseUrl: BASE, request: (o) => o.success({ statusCode: 200, data: { id: 1 }, header: {} }) });
    assert.deepEqual(await parsed.get("/me"), { id: 1 });
  });

  test("PATCH goes as POST with X-HTTP-Method-Override (wx.request has no PATCH), or natively for shims", async () => {
    const wx = fakeWx({ body: {} }, { body: {} });
    await client(wx).patch("/me", { body: { nickname: "小王" } });
    assert.equal(wx.calls[0]!.method, "POST");
    assert.equal(header(wx.calls[0], "X-HTTP-Method-Override"), "PATCH");
    assert.equal(header(wx.calls[0], "Idempotency-Key"), undefined);
    await client(wx, { patch: "native" }).patch("/me", { body: {} });
    assert.equal(wx.calls[1]!.method as string, "PATCH");
  });
});

describe("errors", () => {
  test("the envelope becomes an ApiError with status, code, message and fields", async () => {
    const wx = fakeWx({ status: 422, body: { error: { code: "validation_error", message: "输入有误",
                                                       fields: { companions: ["超出允许范围"] } } } });
    const error = await rejection(client(wx).post("/activities/{activity_id}/signups",
                                                  { path: { activity_id: 1 }, body: { companions: 9 } }));
    assert.equal(error.status, 422);
    assert.equal(error.code, "validation_error");
    assert.equal(error.message, "输入有误");
    assert.deepEqual(error.fields, { companions: ["超出允许范围"] });
    assert.equal(error.name, "ApiError");
    assert.equal(wx.calls.length, 1);
  });

  test("a conflict code comes through as is, without fields", async () => {
    const wx = fakeWx({ status: 409, body: { error: { code: "already_signed_up", message: "已报名该活动" } } });
    const error = await rejection(client(wx).post("/activities/{activity_id}/signups",
                                                  { path: { activity_id: 1 }, body: { resident_id: 1 } }));
    assert.equal(error.status, 409);
    assert.equal(error.code, "already_signed_up");
    assert.equal(error.fields, undefined);
  });

  test("a body that is no envelope (a proxy's HTML page) is http_error with the status", async () => {
    const wx = fakeWx({ status: 502, body: "<html>Bad Gateway</html>" });
    const error = await rejection(client(wx).get("/me"));
    assert.equal(error.status, 502);
    assert.equal(error.code, "http_error");
    assert.match(error.message, /502/);
  });

  test("a network failure is status 0, network_error, with wx's errMsg as detail", async () => {
    const wx = fakeWx({ fail: "request:fail timeout" });
    const error = await rejection(client(wx).get("/me"));
    assert.equal(error.status, 0);
    assert.equal(error.code, "network_error");
    assert.equal(error.detail, "request:fail timeout");
    assert.equal(wx.calls.length, 1);
  });
});

describe("retries", () => {
  test("503 busy and upstream_unavailable are retried with exponential backoff, the same key each time", async () => {
    const wx = fakeWx(busy, upstream, created);
    const signup = await client(wx).post("/activities/{activity_id}/signups",
                                         { path: { activity_id: 1 }, body: { resident_id: 1 } });
    assert.equal(signup.id, 7);
    assert.equal(wx.calls.length, 3);
    // base 500 ms doubling, half fixed and half jitter (random() = 0.5 here)
    assert.deepEqual(wx.delays, [375, 750]);
    const keys = new Set(wx.calls.map((c) => header(c, "Idempotency-Key")));
    assert.equal(keys.size, 1);
    assert.match([...keys][0]!, /^[\x21-\x7e]{1,64}$/);
    assert.deepEqual(wx.calls.map((c) => c.data), Array(3).fill(JSON.stringify({ resident_id: 1 })));
  });

  test("the jitter stays within [ceiling/2, ceiling] and the ceiling is capped", async () => {
    for (const [random, expected] of [[0, [250, 500, 1000]], [1, [500, 1000, 2000]]] as const) {
      const wx = fakeWx(busy, busy, busy, created);
      await client(wx, { random: () => random }).get("/me");
      assert.deepEqual(wx.delays, expected);
    }
    const wx = fakeWx(busy, busy, busy, created);
    await client(wx, { random: () => 1, retry: { maxDelayMs: 800 } }).get("/me");
    assert.deepEqual(wx.delays, [500, 800, 800]);
  });

  test("429 waits at least Retry-After seconds, then succeeds with the same Idempotency-Key", async () => {
    const limited: Scripted = { status: 429, header: { "retry-after": "2" },
                                body: { error: { code: "rate_limited", message: "请求过于频繁，请稍后再试" } } };
    const wx = fakeWx(limited, created);
    await client(wx).post("/activities/{activity_id}/signups", { path: { activity_id: 1 }, body: { resident_id: 1 } });
    assert.equal(wx.calls.length, 2);
    assert.equal(wx.delays.length, 1);
    assert.ok(wx.delays[0]! >= 2000 && wx.delays[0]! <= 2500, `waited ${wx.delays[0]} ms`);
    assert.equal(header(wx.calls[0], "Idempotency-Key"), header(wx.calls[1], "Idempotency-Key"));
  });

  test("Retry-After as an HTTP date, and on a 503 too", async () => {
    const now = Date.parse("2026-12-01T12:00:00Z");
    const wx = fakeWx({ ...busy, header: { "Retry-After": "Tue, 01 Dec 2026 12:00:03 GMT" } }, { body: {} });
    await client(wx, { now: () => now, random: () => 0 }).get("/me");
    assert.deepEqual(wx.delays, [3000]);
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(parseRetryAfter(" 5 ", now), 5000);
  });

  test("attempts are bounded: the last error is thrown with the number of attempts", async () => {
    const wx = fakeWx(busy, busy, busy, busy);
    const error = await rejection(client(wx).get("/me"));
    assert.equal(error.code, "busy");
    assert.equal(error.attempts, 4);
    assert.equal(wx.calls.length, 4);
    assert.equal(wx.delays.length, 3);
    const twice = fakeWx(busy, busy);
    assert.equal((await rejection(client(twice, { retry: { maxAttempts: 2 } }).get("/me"))).attempts, 2);
  });

  test("a Retry-After beyond the bound is not waited for", async () => {
    const wx = fakeWx({ status: 429, header: { "Retry-After": "120" }, body: { error: { code: "rate_limited", message: "请求过于频繁" } } });
    const error = await rejection(client(wx).get("/me"));
    assert.equal(error.retryAfterMs, 120000);
    assert.equal(wx.calls.length, 1);
    assert.deepEqual(wx.delays, []);
  });

  test("with an Idempotency-Key, no answer and request_in_progress are retried with the same key", async () => {
    const inProgress: Scripted = { status: 409, body: { error: { code: "request_in_progress", message: "相同的请求正在处理中" } } };
    const wx = fakeWx({ fail: "request:fail timeout" }, inProgress, created);
    const signup = await client(wx).post("/activities/{activity_id}/signups",
                                         { path: { activity_id: 1 }, body: { resident_id: 1 } });
    assert.equal(signup.id, 7);
    assert.equal(wx.calls.length, 3);
    assert.equal(new Set(wx.calls.map((c) => header(c, "Idempotency-Key"))).size, 1);
    // without a key they are not: nothing says the first attempt did not go through
    const unkeyed = fakeWx({ fail: "request:fail timeout" });
    const error = await rejection(client(unkeyed).post("/activities/{activity_id}/signups", {
      path: { activity_id: 1 }, body: { resident_id: 1 }, idempotencyKey: false }));
    assert.equal(error.code, "network_error");
    assert.equal(unkeyed.calls.length, 1);
  });

  test("other errors are not retried, nor anything when the call says retry: false", async () => {
    const others: Scripted[] = [
      { status: 503, body: { error: { code: "database_unavailable", message: "数据库暂时不可用" } } },
      { status: 500, body: { error: { code: "internal_error", message: "服务器内部错误" } } },
      { status: 409, body: { error: { code: "slot_full", message: "该时段已约满" } } },
      { fail: "request:fail" },
    ];
    for (const response of others) {
      const wx = fakeWx(response);
      await rejection(client(wx).get("/me"));
      assert.equal(wx.calls.length, 1);
    }
    const wx = fakeWx(busy);
    assert.equal((await rejection(client(wx).get("/me", { retry: false }))).code, "busy");
    assert.equal(wx.calls.length, 1);
  });
});
