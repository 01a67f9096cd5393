/* The staff console: every write goes through the API (the session cookie and the CSRF token, via
 * Screens.api), so the console can do nothing the API would refuse; the API's own messages are
 * shown next to the fields they name (`error.fields`), the rest above the form's button.
 *
 * Declarative hooks, so pages carry no script of their own:
 * - `<form data-api="POST /api/v1/...">`: submitted as JSON (see `formBody`), or by a builder a
 *   page script registers (`Console.builders[name]`, named by `data-builder`);
 *   `data-on-success` names a handler (`Console.handlers[name]`), else the page reloads.
 * - `<button data-api="POST /api/v1/..." data-body='{...}'>`: one tap, one call, then a reload.
 * - `[data-nav-param]`: a select or date input that reloads the page with that query parameter. */
(function () {
  'use strict';

  var S = window.Screens;
  var FLASH_KEY = 'console.flash';
  var toast = document.getElementById('toast');

  function showToast(text, isError) {
    if (!toast) {
      return;
    }
    toast.textContent = text;
    toast.classList.toggle('error', !!isError);
    toast.hidden = false;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(function () { toast.hidden = true; }, 6000);
  }

  /* Reload, and say what was done once the page is back. */
  function reloadWith(message) {
    try {
      sessionStorage.setItem(FLASH_KEY, message || '');
    } catch (e) {  // storage refused: reload without the note
    }
    window.location.reload();
  }

  function flashFromLastPage() {
    try {
      var message = sessionStorage.getItem(FLASH_KEY);
      sessionStorage.removeItem(FLASH_KEY);
      if (message) {
        showToast(message);
      }
    } catch (e) {
    }
  }

  function clearErrors(scope) {
    scope.querySelectorAll('.field-error').forEach(function (node) {
      node.textContent = '';
      node.hidden = true;
    });
    scope.querySelectorAll('[aria-invalid="true"]').forEach(function (node) {
      node.removeAttribute('aria-invalid');
    });
    var formError = scope.querySelector('.form-error');
    if (formError) {
      formError.textContent = '';
      formError.hidden = true;
    }
  }

  /* The API's error, where it belongs: each field's messages next to that field (the nearest
   * enclosing prefix when the page has no slot for the exact key), the message above the button. */
  function showError(scope, error) {
    clearErrors(scope);
    var unplaced = [];
    var fields = (error && error.fields) || {};
    Object.keys(fields).forEach(function (key) {
      var messages = [].concat(fields[key]).join('；');
      var slot = null;
      var probe = key;
      while (probe && !slot) {
        // the visible one: a page may hold several versions of a form, only one shown
        slot = Array.prototype.filter.call(scope.querySelectorAll('[data-error-for="' + probe + '"]'),
                                           function (node) { return !node.parentElement.closest('[hidden]'); })[0] || null;
        probe = probe.indexOf('.') >= 0 ? probe.slice(0, probe.lastIndexOf('.')) : '';
      }
      if (!slot) {
        unplaced.push(messages);
        return;
      }
      slot.textContent = (slot.textContent ? slot.textContent + '；' : '') + messages;
      slot.hidden = false;
      var input = scope.querySelector('[aria-describedby~="' + slot.id + '"]');
      if (input) {
        input.setAttribute('aria-invalid', 'true');
      }
    });
    var formError = scope.querySelector('.form-error');
    var text = [error.message].concat(unplaced).join('：');
    if (formError) {
      formError.textContent = text;
      formError.hidden = false;
    } else {
      showToast(text, true);
    }
    var first = scope.querySelector('[aria-invalid="true"]');
    if (first) {
      first.focus();
    }
  }

  /* A form's fields as a JSON object: text as given, `data-type="int"|"number"` as numbers
   * (empty → null), checkboxes as booleans, a checked radio's value. */
  function formBody(form) {
    var body = {};
    form.querySelectorAll('[name]').forEach(function (field) {
      if (field.disabled || field.closest('[hidden]')) {
        return;
      }
      var name = field.name;
      if (field.type === 'radio') {
        if (field.checked) {
          body[name] = field.value;
        } else if (!(name in body)) {
          body[name] = null;
        }
        return;
      }
      if (field.type === 'checkbox') {
        body[name] = field.checked;
        return;
      }
      var type = field.dataset.type;
      if (type === 'int' || type === 'number') {
        body[name] = field.value === '' ? null : Number(field.value);
      } else {
        body[name] = field.value;
      }
    });
    Object.keys(body).forEach(function (key) {
      if (body[key] === null && form.querySelector('[name="' + key + '"][data-optional]')) {
        delete body[key];
      }
    });
    return body;
  }

  function split(spec) {
    var at = spec.indexOf(' ');
    return {method: spec.slice(0, at), url: spec.slice(at + 1)};
  }

  var builders = {};
  var handlers = {};

  function submit(form) {
    var call = split(form.dataset.api);
    var body;
    try {
      body = form.dataset.builder ? builders[form.dataset.builder](form) : formBody(form);
    } catch (problem) {  // a builder found something it cannot send (it says what)
      showError(form, {message: problem.message, fields: problem.fields || {}});
      return;
    }
    var buttons = form.querySelectorAll('button[type="submit"]');
    buttons.forEach(function (b) { b.disabled = true; });
    form.setAttribute('aria-busy', 'true');
    S.api(call.method, call.url, body).then(function (answer) {
      clearErrors(form);
      var handler = handlers[form.dataset.onSuccess];
      if (handler) {
        handler(answer, form);
      } else {
        reloadWith(form.dataset.done || '已保存');
      }
    }, function (error) {
      showError(form, error);
    }).then(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      form.removeAttribute('aria-busy');
    });
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.api) {
      event.preventDefault();
      submit(form);
    }
  });

  document.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-api]');
    if (!button || button.form) {
      return;
    }
    var call = split(button.dataset.api);
    button.disabled = true;
    S.api(call.method, call.url, JSON.parse(button.dataset.body || '{}')).then(function () {
      reloadWith(button.dataset.done || button.textContent.trim() + '：已完成');
    }, function (error) {
      button.disabled = false;
      showToast(error.message, true);
    });
  });

  document.querySelectorAll('[data-nav-param]').forEach(function (control) {
    control.addEventListener('change', function () {
      var url = new URL(window.location.href);
      if (control.value) {
        url.searchParams.set(control.dataset.navParam, control.value);
      } else {
        url.searchParams.delete(control.dataset.navParam);
      }
      window.location.assign(url.toString());
    });
  });

  var signOut = document.getElementById('sign-out');
  if (signOut) {
    signOut.addEventListener('click', function () {
      S.api('DELETE', '/api/v1/web-sessions/current').then(function () {
        window.location.reload();
      }, function () {
        window.location.reload();
      });
    });
  }

  /* Check-in by code (a USB scanner types the code and Enter, like a keyboard): the person and what
   * they need, their row updated in place, the field cleared and ready for the next one. */
  var NEEDS = {wheelchair: '轮椅', sign_language: '手语翻译', guide_dog: '导盲犬', easy_read: '易读材料',
               large_print: '大字材料', carer: '陪护人', hearing_loop: '助听环路', other: '其他需求'};
  handlers.checkin = function (signup, form) {
    var result = document.getElementById('checkin-result');
    var who = signup.resident ? signup.resident.name : (signup.volunteer ? '志愿者 ' + signup.volunteer.real_name : '');
    var needs = signup.resident && signup.resident.needs.length
      ? '；需求：' + signup.resident.needs.map(function (n) { return NEEDS[n] || n; }).join('、') : '';
    result.textContent = '已签到：' + who + (signup.companions ? '（同行 ' + signup.companions + ' 人）' : '') + needs;
    result.dataset.signupId = String(signup.id);
    var row = document.querySelector('tr[data-signup-id="' + signup.id + '"] .status');
    if (row) {
      row.textContent = '已出席';
      row.dataset.status = 'attended';
    }
    var input = form.querySelector('input[name="code"]');
    input.value = '';
    input.focus();
  };

  flashFromLastPage();
  S.setOnline(true);  // the page was just built by the server (the console does not poll)
  window.Console = {builders: builders, handlers: handlers, showError: showError, clearErrors: clearErrors,
                    showToast: showToast, reloadWith: reloadWith, formBody: formBody};
})();
