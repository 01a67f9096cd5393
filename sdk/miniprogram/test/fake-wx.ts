// A scripted stand-in for wx.request: answers each call with the next scripted response, later
// (as wx does), and records what the client sent.
import type { WxRequest, WxRequestOptions } from "../src/client";

export interface Scripted {
  status?: number;
  /** A string is sent as is; anything else as JSON text. */
  body?: unknown;
  header?: Record<string, string>;
  /** Answer with wx's `fail` callback and this errMsg instead. */
  fail?: string;
}

export interface FakeWx {
  request: WxRequest;
  calls: WxRequestOptions[];
  /** Delays the client asked to sleep, in order. */
  delays: number[];
  sleep: (ms: number) => Promise<void>;
}

export function fakeWx(...script: Scripted[]): FakeWx {
  const calls: WxRequestOptions[] = [];
  const delays: number[] = [];
  const request: WxRequest = (options) => {
    calls.push(options);
    const next = script.shift();
    if (next === undefined) throw new Error(`unexpected request ${options.method} ${options.url}`);
    setImmediate(() => {
      if (next.fail !== undefined) {
        options.fail({ errMsg: next.fail });
        return;
      }
      const data = next.body === undefined ? "" : typeof next.body === "string" ? next.body : JSON.stringify(next.body);
      options.success({ statusCode: next.status ?? 200, data, header: next.header ?? {} });
    });
    return undefined;
  };
  return { request, calls, delays, sleep: async (ms) => { delays.push(ms); } };
}

export function header(call: WxRequestOptions | undefined, name: string): string | undefined {
  if (call === undefined) throw new Error("no such call");
  const entry = Object.entries(call.header).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return entry?.[1];
}
