/* What every screen shares: API calls with the session cookie (and the CSRF token on writes),
 * polling with ETag / 304 that recovers by itself, the clock, the connection notice.
 * Plain JavaScript, no build step. Visual only: nothing here, or in any screen, makes a sound. */
(function () {
  'use strict';

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var RELOAD_KEY = 'screens.reloadedAt';

  /* The server answered "not signed in / not allowed here": reloading shows the sign-in screen
   * (a QR code), which the server renders in place. At most once every 10 s, never a loop. */
  function backToSignIn() {
    try {
      var last = Number(sessionStorage.getItem(RELOAD_KEY) || 0);
      if (Date.now() - last < 10000) {
        return false;
      }
      sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
    } catch (e) {  // storage refused (a locked-down kiosk): reload anyway
    }
    window.location.reload();
    return true;
  }

  function isSignInAnswer(status) {
    return status === 401 || status === 403 || status === 404;
  }

  function ApiError(status, body) {
    this.status = status;
    this.code = body && body.error ? body.error.code : 'network';
    this.message = body && body.error ? body.error.message : '网络中断，请稍后再试';
    this.fields = body && body.error && body.error.fields ? body.error.fields : {};  // 422: field → messages
  }

  /* A write (or a read) to the API as this screen. Rejects with an ApiError. */
  function api(method, url, body) {
    var headers = {'Accept': 'application/json'};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (method !== 'GET' && csrfMeta) {
      headers[csrfMeta.dataset.header] = csrfMeta.content;
    }
    return fetch(url, {
      method: method, headers: headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 204) {
        return null;
      }
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!response.ok) {
          // Signed out, or no longer allowed: the sign-in screen. (A write's 404 is about its object.)
          if (response.status === 401 || response.status === 403 || (response.status === 404 && method === 'GET')) {
            backToSignIn();
          }
          throw new ApiError(response.status, data);
        }
        return data;
      });
    }, function () {
      throw new ApiError(0, null);
    });
  }

  /* The connection notice: shown while polls fail, hidden as soon as one succeeds. */
  var connection = document.getElementById('connection');
  function setOnline(online) {
    if (connection) {
      connection.hidden = online;
    }
    document.body.dataset.connection = online ? 'online' : 'offline';
  }

  /* Poll `url` every `intervalMs` with If-None-Match; `onData(data, serverNow)` on a change.
   * Failures (network down, server restarting, 5xx) back off up to 10 s and keep trying. */
  function poll(url, intervalMs, onData) {
    var etag = null;
    var failures = 0;
    var timer = null;
    var running = false;

    function schedule() {
      clearTimeout(timer);
      var wait = failures ? Math.min(intervalMs * Math.pow(2, failures - 1), 10000) : intervalMs;
      timer = setTimeout(tick, wait);
    }

    function tick() {
      if (running) {
        return;
      }
      running = true;
      var headers = {'Accept': 'application/json'};
      if (etag) {
        headers['If-None-Match'] = etag;
      }
      fetch(url, {headers: headers, credentials: 'same-origin', cache: 'no-store'}).then(function (response) {
        noteServerTime(response);
        if (response.status === 304) {
          return null;
        }
        if (isSignInAnswer(response.status)) {
          backToSignIn();
          throw new Error('signed out');
        }
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        etag = response.headers.get('ETag');
        return response.json().then(function (data) {
          onData(data);
        });
      }).then(function () {
        failures = 0;
        setOnline(true);
      }, function () {
        failures += 1;
        if (failures >= 2) {  // one blip is not worth a notice
          setOnline(false);
        }
      }).then(function () {
        running = false;
        schedule();
      });
    }

    tick();
    return {
      now: function () {  // poll at once (after a tap)
        clearTimeout(timer);
        tick();
      }
    };
  }

  /* The server's clock, from the Date header: waiting times do not depend on the device's clock. */
  var skewMs = 0;
  function noteServerTime(response) {
    var date = Date.parse(response.headers.get('Date') || '');
    if (!isNaN(date)) {
      skewMs = date - Date.now();
    }
  }
  function serverNow() {
    return Date.now() + skewMs;
  }

  function startClock() {
    var clock = document.getElementById('clock');
    if (!clock) {
      return;
    }
    var update = function () {
      var now = new Date(serverNow());
      clock.textContent = String(now.getHours()).padStart(2, '0') + ':' + String(now.getMinutes()).padStart(2, '0');
    };
    update();
    setInterval(update, 5000);
  }

  /* Keep a tablet's screen on where the browser allows it (secure contexts only; ignored elsewhere). */
  function keepAwake() {
    if (!('wakeLock' in navigator)) {
      return;
    }
    var request = function () {
      navigator.wakeLock.request('screen').catch(function () {});
    };
    request();
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') {
        request();
      }
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  window.Screens = {
    api: api, poll: poll, serverNow: serverNow, startClock: startClock, keepAwake: keepAwake,
    element: element, setOnline: setOnline, backToSignIn: backToSignIn
  };
})();
