/* The café's order board, for deaf baristas: everything is visual. A new order flashes the whole
 * screen in a strong colour for a few seconds and vibrates the tablet where it can; nothing here
 * makes a sound. One tap moves an order on (accepted → ready → completed, the API's rules); a tap
 * on a canned message sends it to the customer. Follows the API by polling with ETag / 304. */
(function () {
  'use strict';

  var S = window.Screens;
  var body = document.body;
  var siteId = body.dataset.siteId;
  var pollMs = Number(body.dataset.pollMs) || 1500;
  var amberMs = Number(body.dataset.amberMinutes) * 60000;
  var redMs = Number(body.dataset.redMinutes) * 60000;
  var FLASH_MS = 4000;
  var NEW_MS = 60000;

  var container = document.getElementById('orders');
  var empty = document.getElementById('empty');
  var count = document.getElementById('count');
  var flashNumbers = document.getElementById('flash-numbers');
  var announce = document.getElementById('announce');
  var toast = document.getElementById('toast');
  var template = document.getElementById('card-template');

  var STATUS = {paid: '新订单 · 待接单', accepted: '制作中', ready: '已做好 · 待取餐'};
  var NEXT = {paid: ['accepted', '接单'], accepted: ['ready', '已做好'], ready: ['completed', '已取餐']};
  var COMMUNICATION = {text: '文字', sign_language: '手语', voice: '语音', large_text: '大字', easy_read: '易读'};

  var cards = {};        // order id → card element
  var orders = {};       // order id → the order as last seen
  var firstSeen = {};    // order id → when this screen first saw it (for the "new" mark)
  var loaded = false;
  var flashTimer = null;

  var poller = S.poll('/api/v1/staff/cafes/' + siteId + '/orders?status=active&page_size=100', pollMs, render);

  function render(page) {
    var fresh = [];
    var seen = {};
    page.items.forEach(function (order, index) {
      seen[order.id] = true;
      if (!cards[order.id]) {
        cards[order.id] = makeCard(order.id);
        if (loaded) {
          fresh.push(order.number);
          firstSeen[order.id] = Date.now();
        }
      }
      orders[order.id] = order;
      fill(cards[order.id], order);
      var atIndex = container.children[index + 1];  // after the "empty" notice
      if (atIndex !== cards[order.id]) {
        container.insertBefore(cards[order.id], atIndex || null);
      }
    });
    Object.keys(cards).forEach(function (id) {
      if (!seen[id]) {
        cards[id].remove();
        delete cards[id];
        delete orders[id];
        delete firstSeen[id];
      }
    });
    var more = page.total - page.items.length;
    empty.hidden = page.items.length > 0;
    count.textContent = '待处理 ' + page.total + ' 单' + (more > 0 ? '（另有 ' + more + ' 单未显示）' : '');
    container.setAttribute('aria-busy', 'false');
    body.dataset.orders = String(page.items.length);
    if (fresh.length) {
      flash(fresh);
    }
    loaded = true;
    tickWaits();
  }

  function makeCard(id) {
    var card = template.content.firstElementChild.cloneNode(true);
    card.dataset.id = id;
    card.querySelector('.advance').addEventListener('click', function () { advance(id); });
    card.querySelectorAll('.message').forEach(function (button) {
      button.addEventListener('click', function () { sendMessage(id, button); });
    });
    return card;
  }

  function fill(card, order) {
    card.dataset.status = order.status;
    card.dataset.number = order.number;
    card.querySelector('.number').textContent = order.number;
    card.setAttribute('aria-label', '取餐号 ' + order.number);
    card.querySelector('.status-chip').textContent = STATUS[order.status] || order.status;
    card.querySelector('.fulfilment').textContent =
      order.fulfilment === 'table' ? '堂食 · 桌号 ' + (order.table_no || '未填') : '自取';
    var how = order.customer && COMMUNICATION[order.customer.communication];
    card.querySelector('.communication').textContent = '顾客沟通方式：' + (how || '未填写');
    var list = card.querySelector('.items');
    list.textContent = '';
    order.items.forEach(function (line) {
      var item = S.element('li', 'item');
      item.appendChild(S.element('span', 'item-name', line.name));
      item.appendChild(S.element('span', 'item-qty', ' × ' + line.qty));
      var options = Object.keys(line.options || {}).map(function (name) { return name + '：' + line.options[name]; });
      if (options.length) {
        item.appendChild(S.element('span', 'item-options', options.join(' · ')));
      }
      list.appendChild(item);
    });
    var note = card.querySelector('.note');
    note.textContent = order.note ? '备注：' + order.note : '';
    note.hidden = !order.note;
    var next = NEXT[order.status];
    var button = card.querySelector('.advance');
    button.hidden = !next;
    if (next) {
      button.dataset.next = next[0];
      button.textContent = next[1];
      button.setAttribute('aria-label', order.number + ' ' + next[1]);
    }
  }

  /* How long each order has waited since it was paid: amber, then red, with words as well as colour. */
  function tickWaits() {
    var now = S.serverNow();
    Object.keys(cards).forEach(function (id) {
      var order = orders[id];
      var waited = Math.max(0, now - Date.parse(order.paid_at || order.created_at));
      var minutes = Math.floor(waited / 60000);
      var level = waited >= redMs ? 'red' : waited >= amberMs ? 'amber' : 'ok';
      var card = cards[id];
      card.dataset.wait = level;
      var words = level === 'red' ? ' · 等待过久' : level === 'amber' ? ' · 等待较久' : '';
      card.querySelector('.wait').textContent = (minutes < 1 ? '刚刚下单' : '已等 ' + minutes + ' 分钟') + words;
      card.classList.toggle('is-new', order.status === 'paid' && firstSeen[id] !== undefined &&
                                      Date.now() - firstSeen[id] < NEW_MS);
    });
  }
  setInterval(tickWaits, 10000);

  /* The whole screen flashes (about once a second, for a few seconds: never faster than three times
   * a second), and the tablet vibrates where the browser supports it. */
  function flash(numbers) {
    flashNumbers.textContent = numbers.join('、');
    announce.textContent = '新订单 ' + numbers.join('、');
    body.classList.add('flashing');
    body.dataset.flashCount = String(Number(body.dataset.flashCount || 0) + 1);
    if (typeof navigator.vibrate === 'function') {
      try {
        navigator.vibrate([400, 200, 400, 200, 400]);
      } catch (e) {  // not allowed before the first tap on some browsers
      }
    }
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () {
      body.classList.remove('flashing');
    }, FLASH_MS);
  }

  function showToast(text, isError) {
    toast.textContent = text;
    toast.classList.toggle('error', !!isError);
    toast.hidden = false;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(function () { toast.hidden = true; }, 5000);
  }

  function advance(id) {
    var card = cards[id];
    var button = card.querySelector('.advance');
    var next = button.dataset.next;
    button.disabled = true;
    S.api('POST', '/api/v1/staff/orders/' + id + '/status', {status: next}).then(function (order) {
      orders[id] = order;
      fill(card, order);
      showToast(order.number + ' ' + ({accepted: '已接单', ready: '已做好，已通知顾客', completed: '已完成'})[next]);
    }, function (error) {
      showToast(error.message, true);
    }).then(function () {
      button.disabled = false;
      poller.now();
    });
  }

  function sendMessage(id, button) {
    button.disabled = true;
    S.api('POST', '/api/v1/staff/orders/' + id + '/message', {template: button.dataset.template}).then(function (sent) {
      showToast('已发送给顾客：' + sent.text);
    }, function (error) {
      showToast(error.message, true);
    }).then(function () {
      setTimeout(function () { button.disabled = false; }, 1500);
    });
  }

  document.getElementById('sign-out').addEventListener('click', function () {
    S.api('DELETE', '/api/v1/web-sessions/current').then(function () {
      window.location.reload();
    }, function () {
      window.location.reload();
    });
  });

  S.startClock();
  S.keepAwake();
})();
