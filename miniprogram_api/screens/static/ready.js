/* The customer-facing "ready" screen (a TV on the wall): pickup numbers only, in two columns,
 * 制作中 and 请取餐. A number moves when its order is ready and leaves a few minutes after it is
 * completed. Follows the API by polling with ETag / 304; recovers by itself. */
(function () {
  'use strict';

  var S = window.Screens;
  var body = document.body;
  var siteId = body.dataset.siteId;
  var pollMs = Number(body.dataset.pollMs) || 1500;
  var FRESH_MS = 15000;
  var lists = {preparing: document.getElementById('preparing'), ready: document.getElementById('ready')};
  var readySince = {};  // number → when it appeared under 请取餐 (highlighted for a while)

  Array.prototype.forEach.call(lists.ready.children, function (item) {
    readySince[item.textContent] = 0;  // already there when the page loaded: no highlight
  });

  function show(list, numbers, highlight) {
    list.textContent = '';
    numbers.forEach(function (number) {
      var item = S.element('li', highlight && highlight(number) ? 'fresh' : '', number);
      list.appendChild(item);
    });
    list.dataset.count = String(numbers.length);
  }

  var last = null;

  function render(data) {
    last = data;
    var now = Date.now();
    data.ready.forEach(function (number) {
      if (!(number in readySince)) {
        readySince[number] = now;
      }
    });
    Object.keys(readySince).forEach(function (number) {
      if (data.ready.indexOf(number) < 0) {
        delete readySince[number];
      }
    });
    show(lists.preparing, data.preparing);
    show(lists.ready, data.ready, function (number) { return now - readySince[number] < FRESH_MS; });
  }

  S.poll('/api/v1/staff/cafes/' + siteId + '/pickup-numbers', pollMs, render);
  setInterval(function () {  // the highlight of a newly ready number fades on its own
    if (last) {
      render(last);
    }
  }, 5000);
  S.startClock();
  S.keepAwake();
})();
