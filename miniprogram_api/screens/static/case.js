/* A device case's next-action forms: the assessment form of the version chosen (answers typed as
 * the form says: numbers as numbers, yes/no as booleans), sent to the API, whose field messages
 * (`answers.<key>`, `recommendations`) land next to each question. */
(function () {
  'use strict';

  var C = window.Console;

  /* A datetime-local value ("2026-12-02T09:30") as the API wants it: with the site's offset. */
  function withOffset(form, value) {
    return value ? (value.length === 16 ? value + ':00' : value) + form.dataset.offset : null;
  }

  /* Delivery: the fitting and the signed handover, the signature drawn on the pad (base64 PNG). */
  C.builders.delivery = function (form) {
    var pad = window.SignaturePad.pads[0];
    var checked = form.querySelector('input[name="signed_by"]:checked');
    return {
      serial_no: form.querySelector('[name="serial_no"]').value,
      fitted_at: withOffset(form, form.querySelector('[name="fitted_at"]').value),
      notes: form.querySelector('[name="notes"]').value,
      handover: {signed_by: checked ? checked.value : null,
                 signer_name: form.querySelector('[name="signer_name"]').value,
                 signature_png: pad.png()}
    };
  };

  C.builders.training = function (form) {
    var body = C.formBody(form);
    body.at = withOffset(form, body.at);
    return body;
  };

  C.builders.followup = function (form) {
    var body = C.formBody(form);
    body.in_use = body.in_use === 'true';
    return body;
  };

  var picker = document.getElementById('form-domain');
  if (!picker) {
    return;
  }

  function visibleForm() {
    return document.querySelector('fieldset.questions[data-form-id="' + picker.value + '"]');
  }

  picker.addEventListener('change', function () {
    document.querySelectorAll('fieldset.questions').forEach(function (set) {
      set.hidden = set.dataset.formId !== picker.value;
    });
  });

  function answer(question) {
    var type = question.dataset.type;
    if (type === 'multi') {
      var picked = Array.prototype.filter.call(question.querySelectorAll('input'), function (i) { return i.checked; })
        .map(function (i) { return i.value; });
      return picked.length ? picked : null;
    }
    if (type === 'single' || type === 'bool') {
      var checked = question.querySelector('input:checked');
      if (!checked) {
        return null;
      }
      return type === 'bool' ? checked.value === 'true' : checked.value;
    }
    var field = question.querySelector('input, textarea');
    if (field.value.trim() === '') {
      return null;
    }
    return type === 'number' ? Number(field.value) : field.value;
  }

  C.builders.assessment = function () {
    var answers = {};
    visibleForm().querySelectorAll('.question').forEach(function (question) {
      var value = answer(question);
      if (value !== null) {
        answers[question.dataset.key] = value;
      }
    });
    var productIds = Array.prototype.filter.call(document.querySelectorAll('#products input.product'),
      function (i) { return i.checked; }).map(function (i) { return Number(i.value); });
    return {
      form_id: Number(picker.value),
      answers: answers,
      findings: document.getElementById('findings').value,
      outcome: document.getElementById('outcome').value,
      recommendations: productIds.length ? [{class_code: document.getElementById('class-code').value,
                                             product_ids: productIds, main: true,
                                             note: document.getElementById('recommendation-note').value}] : []
    };
  };
})();
