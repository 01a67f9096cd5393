/**
 * A small typed client of the 助残服务 API over `wx.request`.
 *
 * - Paths, methods, path/query parameters, bodies and response bodies come from the generated
 *   `paths` type (./schema.d.ts), so `client.get("/activities", { query: { site_id: 1 } })` is
 *   checked by the compiler. Paths are written without the base path `/api/v1`.
 * - JSON in and out; times stay the strings the server sent (ISO 8601 with their offset).
 * - Every error is an `ApiError` carrying the envelope's `code`, `message`, `fields` and the
 *   HTTP `status` (API.md "Errors"); network failures are `status: 0, code: "network_error"`.
 * - `Idempotency-Key`: a fresh random key on every POST unless the call says otherwise; the same
 *   key is sent on every retry of that call.
 * - Retries: 429, and 503 with code `busy` or `upstream_unavailable`, with exponential backoff and
 *   jitter, never sooner than `Retry-After`, a bounded number of attempts; a call with an
 *   Idempotency-Key also when it got no answer (`network_error`) or 409 `request_in_progress`.
 */
import type { components, paths } from "./schema";

/** The API's base path (API.md "Conventions"). */
export const BASE_PATH = "/api/v1";
type BasePath = typeof BASE_PATH;

export type Schemas = components["schemas"];

// ---------------------------------------------------------------------------------------------
// Types derived from the generated document types

type DocPath = keyof paths & string;
type PrefixedDocPath = Extract<DocPath, `${BasePath}/${string}`>;
/** A path as callers write it: the document's path under /api/v1 without that prefix (or the
 * document's own paths, should it one day list them relative to a `servers` entry). */
export type ApiPath = [PrefixedDocPath] extends [never]
  ? DocPath
  : PrefixedDocPath extends `${BasePath}${infer Rest}` ? Rest : never;
type DocPathOf<P extends ApiPath> = [PrefixedDocPath] extends [never]
  ? Extract<P, DocPath>
  : Extract<`${BasePath}${P}`, DocPath>;

export type Method = "get" | "post" | "put" | "patch" | "delete";
/** The generated operation object of `method path` (never when there is no such operation). */
export type Operation<P extends ApiPath, M extends Method> = NonNullable<paths[DocPathOf<P>][M]>;
/** The paths that have a `method` operation. */
export type PathsFor<M extends Method> = {
  [P in ApiPath]: [Operation<P, M>] extends [never] ? never : P;
}[ApiPath];

type Parameters_<O> = O extends { parameters: infer X } ? X : never;
type PathParams<O> = Parameters_<O> extends { path: infer X } ? X : never;
type QueryParams<O> = Parameters_<O> extends { query?: infer X } ? NonNullable<X> : never;

type PathPart<O> = [PathParams<O>] extends [never] ? { path?: never } : { path: PathParams<O> };
type QueryPart<O> = [QueryParams<O>] extends [never]
  ? { query?: never }
  : {} extends QueryParams<O> ? { query?: QueryParams<O> } : { query: QueryParams<O> };
type RequestBody<O> = O extends { requestBody?: infer RB } ? NonNullable<RB> : never;
type JsonBody<O> = [RequestBody<O>] extends [never] ? never
  : RequestBody<O> extends { content: { "application/json": infer B } } ? B : never;
type BodyPart<O> = [JsonBody<O>] extends [never]
  ? { body?: never }
  : O extends { requestBody: object } ? { body: JsonBody<O> } : { body?: JsonBody<O> };

type Responses<O> = O extends { responses: infer R } ? R : never;
type SuccessStatus = 200 | 201 | 202 | 204;
type JsonContent<R> = R extends { content: { "application/json": infer B } } ? B : unknown;
/** The body of the operation's documented 2xx response (`undefined` for 204). */
export type Success<O> = {
  [S in Extract<keyof Responses<O>, SuccessStatus>]: S extends 204 ? undefined : JsonContent<Responses<O>[S]>;
}[Extract<keyof Responses<O>, SuccessStatus>];

export interface RetryPolicy {
  /** Attempts in all, the first included (1 = no retry). */
  maxAttempts: number;
  /** The first backoff; each further one doubles, up to `maxDelayMs` (half fixed, half jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown at once. */
  maxRetryAfterMs: number;
}

export interface CallOptions {
  /** `true`: a fresh random key; a string: that key (≤ 64 printable ASCII characters); `false`:
   * none. Default: `true` for POST (the create routes replay instead of creating twice). */
  idempotencyKey?: boolean | string;
  /** Extra request headers. */
  header?: Record<string, string>;
  timeoutMs?: number;
  /** Overrides of the client's retry policy for this call; `false` never retries. */
  retry?: Partial<RetryPolicy> | false;
}

type UntypedOptions = { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown } & CallOptions;

export type RequestOptions<O> = PathPart<O> & QueryPart<O> & BodyPart<O> & CallOptions;
/** The options argument, optional when nothing in it is required. */
export type Args<O> = {} extends RequestOptions<O> ? [options?: RequestOptions<O>] : [options: RequestOptions<O>];

// ---------------------------------------------------------------------------------------------
// wx.request, the part of it this client uses (structurally compatible with `wx.request`)

export type WxMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface WxRequestSuccess {
  statusCode: number;
  data: unknown;
  header: Record<string, unknown>;
}

export interface WxRequestOptions {
  url: string;
  method: WxMethod;
  data?: string;
  header: Record<string, string>;
  timeout?: number;
  /** Not "json": the client parses the body itself, whatever the server sent. */
  dataType: string;
  responseType: "text";
  success: (result: WxRequestSuccess) => void;
  fail: (error: { errMsg: string }) => void;
}

export type WxRequest = (options: WxRequestOptions) => unknown;

// ---------------------------------------------------------------------------------------------
// Errors

export type ErrorFields = Record<string, string[]>;

export class ApiError extends Error {
  override readonly name = "ApiError";
  /** The HTTP status; 0 when no response arrived (network failure or timeout). */
  readonly status: number;
  /** The envelope's stable code (`slot_full`, `validation_error`…), the one to branch on. */
  readonly code: string;
  /** On 422: field → messages. */
  readonly fields?: ErrorFields;
  /** From `Retry-After`, when the server sent one. */
  readonly retryAfterMs?: number;
  /** Requests made for this call, retries included. */
  readonly attempts: number;
  /** For logs, not for people: wx.request's `errMsg` of a network failure. */
  readonly detail?: string;

  constructor(init: { status: number; code: string; message: string; fields?: ErrorFields;
                      retryAfterMs?: number; attempts?: number; detail?: string }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    if (init.fields !== undefined) this.fields = init.fields;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    this.attempts = init.attempts ?? 1;
    if (init.detail !== undefined) this.detail = init.detail;
  }
}

// ---------------------------------------------------------------------------------------------
// The client

export interface ClientConfig {
  /** Scheme and host of the backend, e.g. `https://zhucan.example.org` (no `/api/v1`). */
  baseUrl: string;
  /** `wx.request`, or a stand-in with the same shape (tests, a shim over fetch). */
  request: WxRequest;
  /** The bearer token, read before each request (e.g. from `wx.getStorageSync`). */
  getToken?: () => string | null | undefined;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  /** wx.request cannot send PATCH: `"override"` (default) sends POST with
   * `X-HTTP-Method-Override: PATCH`; `"native"` passes PATCH through (for shims that can). */
  patch?: "override" | "native";
  /** A key generator of your own (the default uses crypto.getRandomValues where the runtime has
   * it, else Math.random: keys need to be unique per user, not secret). */
  newIdempotencyKey?: () => string;
  /** Injection points for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 30000 };
const RETRY_503_CODES = new Set(["busy", "upstream_unavailable"]);
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,64}$/;

export class ApiClient {
  private readonly config: ClientConfig;
  private readonly policy: RetryPolicy;

  constructor(config: ClientConfig) {
    this.config = config;
    this.policy = { ...DEFAULT_RETRY, ...config.retry };
  }

  get<P extends PathsFor<"get">>(path: P, ...args: Args<Operation<P, "get">>): Promise<Success<Operation<P, "get">>> {
    return this.call("get", path, args[0]) as Promise<Success<Operation<P, "get">>>;
  }

  post<P extends PathsFor<"post">>(path: P, ...args: Args<Operation<P, "post">>): Promise<Success<Operation<P, "post">>> {
    return this.call("post", path, args[0]) as Promise<Success<Operation<P, "post">>>;
  }

  put<P extends PathsFor<"put">>(path: P, ...args: Args<Operation<P, "put">>): Promise<Success<Operation<P, "put">>> {
    return this.call("put", path, args[0]) as Promise<Success<Operation<P, "put">>>;
  }

  patch<P extends PathsFor<"patch">>(path: P, ...args: Args<Operation<P, "patch">>): Promise<Success<Operation<P, "patch">>> {
    return this.call("patch", path, args[0]) as Promise<Success<Operation<P, "patch">>>;
  }

  delete<P extends PathsFor<"delete">>(path: P, ...args: Args<Operation<P, "delete">>): Promise<Success<Operation<P, "delete">>> {
    return this.call("delete", path, args[0]) as Promise<Success<Operation<P, "delete">>>;
  }

  request<M extends Method, P extends PathsFor<M>>(
    method: M, path: P, ...args: Args<Operation<P, M>>
  ): Promise<Success<Operation<P, M>>> {
    return this.call(method, path, args[0]) as Promise<Success<Operation<P, M>>>;
  }

  /** The untyped implementation behind the typed methods (which keeps the compiler fast). */
  private async call(method: Method, path: string, given: object | undefined): Promise<unknown> {
    const options: UntypedOptions = given ?? {};
    const url = this.config.baseUrl.replace(/\/+$/, "") + BASE_PATH + fillPath(path, options.path)
      + queryString(options.query);
    const header: Record<string, string> = { Accept: "application/json", ...options.header };
    const token = this.config.getToken?.();
    if (token) header["Authorization"] = `Bearer ${token}`;
    const key = this.idempotencyKey(method, options.idempotencyKey);
    if (key !== undefined) header["Idempotency-Key"] = key;
    let data: string | undefined;
    if (options.body !== undefined && method !== "get") {
      data = JSON.stringify(options.body);
      header["Content-Type"] = "application/json; charset=utf-8";
    }
    let wxMethod: WxMethod;
    if (method === "patch") {
      if (this.config.patch === "native") {
        wxMethod = "PATCH" as WxMethod; // a shim's own business: wx.request itself has no PATCH
      } else {
        wxMethod = "POST";
        header["X-HTTP-Method-Override"] = "PATCH";
      }
    } else {
      wxMethod = method.toUpperCase() as WxMethod;
    }
    const policy = options.retry === false ? { ...this.policy, maxAttempts: 1 } : { ...this.policy, ...options.retry };
    const timeout = options.timeoutMs ?? this.config.timeoutMs ?? 15000;

    for (let attempt = 1; ; attempt++) {
      let error: ApiError;
      try {
        const response = await this.send({ url, method: wxMethod, header, timeout, ...(data !== undefined ? { data } : {}) },
                                         attempt);
        if (response.statusCode >= 200 && response.statusCode < 300) {
          return parseBody(response.data);
        }
        error = this.toError(response, attempt);
      } catch (failure) {
        if (!(failure instanceof ApiError)) throw failure;
        error = failure; // no answer at all
      }
      const delay = this.retryDelay(error, attempt, policy, key !== undefined);
      if (delay === undefined) throw error;
      await (this.config.sleep ?? sleep)(delay);
    }
  }

  private idempotencyKey(method: Method, option: boolean | string | undefined): string | undefined {
    const wanted = option ?? method === "post";
    if (wanted === false) return undefined;
    if (wanted === true) return (this.config.newIdempotencyKey ?? randomKey)();
    if (!IDEMPOTENCY_KEY.test(wanted)) {
      throw new TypeError("Idempotency-Key must be 1-64 printable ASCII characters");
    }
    return wanted;
  }

  private send(options: Omit<WxRequestOptions, "success" | "fail" | "dataType" | "responseType">,
               attempt: number): Promise<WxRequestSuccess> {
    return new Promise((resolve, reject) => {
      this.config.request({
        ...options,
        header: { ...options.header },
        dataType: "text",
        responseType: "text",
        success: resolve,
        fail: (err) => reject(new ApiError({ status: 0, code: "network_error", message: "网络连接失败，请检查网络后重试",
                                             attempts: attempt, ...(err?.errMsg ? { detail: err.errMsg } : {}) })),
      });
    });
  }

  private toError(response: WxRequestSuccess, attempt: number): ApiError {
    const retryAfterMs = parseRetryAfter(headerValue(response.header, "retry-after"), (this.config.now ?? Date.now)());
    const extra = { attempts: attempt, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    const body = parseBody(response.data);
    const envelope = isEnvelope(body) ? body.error : undefined;
    if (envelope) {
      return new ApiError({ status: response.statusCode, code: envelope.code, message: envelope.message,
                            ...(envelope.fields !== undefined ? { fields: envelope.fields } : {}), ...extra });
    }
    return new ApiError({ status: response.statusCode, code: "http_error",
                          message: `请求失败（HTTP ${response.statusCode}），请稍后重试`, ...extra });
  }

  /** How long to wait before the next attempt, or undefined to give up. */
  private retryDelay(error: ApiError, attempt: number, policy: RetryPolicy, keyed: boolean): number | undefined {
    // With an Idempotency-Key a retry cannot create twice (API.md "Idempotency"), so a call that got
    // no answer, or was told the first attempt is still running, is retried too.
    const retryable = error.status === 429 || (error.status === 503 && RETRY_503_CODES.has(error.code))
      || (keyed && (error.code === "network_error" || (error.status === 409 && error.code === "request_in_progress")));
    if (!retryable || attempt >= policy.maxAttempts) return undefined;
    const random = this.config.random ?? Math.random;
    if (error.retryAfterMs !== undefined) {
      if (error.retryAfterMs > policy.maxRetryAfterMs) return undefined;
      // Never sooner than the server asked; the jitter spreads clients told the same moment.
      return error.retryAfterMs + random() * policy.baseDelayMs;
    }
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + random() * (ceiling / 2);
  }
}

export function createClient(config: ClientConfig): ApiClient {
  return new ApiClient(config);
}

// ---------------------------------------------------------------------------------------------
// Helpers (exported for the tests)

export function fillPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new TypeError(`missing path parameter "${name}"`);
    return encodeURIComponent(String(value));
  });
}

export function queryString(query: Record<string, unknown> | undefined): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(item))}`);
    }
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

/** Seconds or an HTTP date (RFC 9110 §10.2.3) → milliseconds from `now`; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function randomKey(): string {
  const bytes = new Uint8Array(16);
  const webCrypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (webCrypto?.getRandomValues) {
    webCrypto.getRandomValues(bytes);
  } else {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function headerValue(header: Record<string, unknown> | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(header ?? {})) {
    if (key.toLowerCase() === name) return value === undefined || value === null ? undefined : String(value);
  }
  return undefined;
}

function parseBody(data: unknown): unknown {
  if (typeof data !== "string") return data;
  if (data === "") return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function isEnvelope(body: unknown): body is { error: { code: string; message: string; fields?: ErrorFields } } {
  if (typeof body !== "object" || body === null) return false;
  const error = (body as { error?: unknown }).error;
  return typeof error === "object" && error !== null
    && typeof (error as { code?: unknown }).code === "string"
    && typeof (error as { message?: unknown }).message === "string";
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
