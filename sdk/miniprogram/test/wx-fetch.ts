// wx.request over Node's fetch, for the live test: same callbacks, headers as a plain object.
import type { WxRequest } from "../src/client";

export const wxRequestOverFetch: WxRequest = (options) => {
  const controller = new AbortController();
  const timer = options.timeout ? setTimeout(() => controller.abort(), options.timeout) : undefined;
  fetch(options.url, { method: options.method, headers: options.header, body: options.data ?? null,
                       signal: controller.signal })
    .then(async (response) => {
      const data = await response.text();
      const header: Record<string, string> = {};
      response.headers.forEach((value, name) => { header[name] = value; });
      options.success({ statusCode: response.status, data, header });
    })
    .catch((error: unknown) => options.fail({ errMsg: `request:fail ${error instanceof Error ? error.message : String(error)}` }))
    .finally(() => clearTimeout(timer));
  return undefined;
};
