/* The sign-in screen: a ticket's QR code, scanned and confirmed with the mini-program; the screen
 * polls its ticket and, once confirmed (the answer sets the session cookie), reloads itself into
 * the screen it was asked for. An expired ticket is replaced by a new one; failures are retried. */
(function () {
  'use strict';

  var POLL_MS = 1500;
  var body = document.body;
  var ticketSeconds = Number(body.dataset.ticketSeconds) || 120;
  var qr = document.getElementById('qr');
  var qrWait = document.getElementById('qr-wait');
  var statusLine = document.getElementById('sign-in-status');
  var devCurl = document.getElementById('dev-curl');
  var ticket = null;
  var deadline = 0;
  var failures = 0;

  function say(text) {
    if (statusLine.textContent !== text) {
      statusLine.textContent = text;
    }
  }

  function retryLater(seconds, text) {
    failures += 1;
    say(text);
    setTimeout(newTicket, seconds * 1000);
  }

  function newTicket() {
    ticket = null;
    fetch('/api/v1/web-sessions', {method: 'POST', credentials: 'same-origin', cache: 'no-store',
                                   headers: {'Accept': 'application/json'}})
      .then(function (response) {
        if (response.status === 429) {
          var after = Number(response.headers.get('Retry-After')) || 30;
          retryLater(after, '请求过于频繁，' + after + ' 秒后自动重试');
          return;
        }
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.json().then(show);
      })
      .catch(function () {
        retryLater(Math.min(2 * (failures + 1), 15), '网络中断，正在重试…');
      });
  }

  function show(data) {
    failures = 0;
    ticket = data.ticket;
    deadline = Date.now() + ticketSeconds * 1000;
    qr.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(data.qr_svg);
    qr.hidden = false;
    qrWait.hidden = true;
    body.dataset.ticket = 'shown';
    if (devCurl) {
      devCurl.textContent = devLine(data.ticket);
    }
    setTimeout(check, POLL_MS);
  }

  /* Development only: the line that confirms this ticket as the demo café staff (scripts/run.sh). */
  function devLine(value) {
    var base = window.location.origin + '/api/v1';
    return 'curl -s -X POST ' + base + '/web-sessions/' + value + '/confirm -H "Authorization: Bearer $(' +
      'curl -s -X POST ' + base + '/auth/login -H \'Content-Type: application/json\' ' +
      '-d \'{"code": "cafe-staff#\'$RANDOM\'"}\' | python3 -c \'import json,sys; print(json.load(sys.stdin)["token"])\')"';
  }

  function countdown() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var text = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
    say('请扫码登录，二维码 ' + text + ' 后自动更新');
  }

  function check() {
    var current = ticket;
    if (!current) {
      return;
    }
    fetch('/api/v1/web-sessions/' + encodeURIComponent(current), {credentials: 'same-origin', cache: 'no-store',
                                                                  headers: {'Accept': 'application/json'}})
      .then(function (response) {
        if (response.status === 404) {  // this browser lost the ticket's cookie: start over
          return {status: 'expired'};
        }
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (current !== ticket) {
          return;
        }
        if (data.status === 'confirmed') {
          say('已确认，正在进入…');
          body.dataset.ticket = 'confirmed';
          window.location.reload();
        } else if (data.status === 'expired' || Date.now() > deadline + 5000) {
          qr.hidden = true;
          qrWait.hidden = false;
          newTicket();
        } else {
          countdown();
          setTimeout(check, POLL_MS);
        }
      })
      .catch(function () {
        say('网络中断，正在重试…');
        setTimeout(check, POLL_MS * 2);
      });
  }

  newTicket();
})();
