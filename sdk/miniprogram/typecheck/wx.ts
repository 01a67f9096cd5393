// Compile-time only (npm run typecheck, tsconfig.wx.json): the client compiles against WeChat's
// own typings, without Node's, and wx.request fits the client's WxRequest.
import { createClient, type WxRequest } from "../src/client";

export const wxRequest: WxRequest = wx.request;
export const client = createClient({ baseUrl: "https://zhucan.example.org", request: wx.request,
                                     getToken: () => wx.getStorageSync<string>("token") });
