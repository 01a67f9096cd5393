/* A rehab service's weekly plan: the week grid, drawn from the rows being edited, and saving through
 * the API. Saving asks the API first what the plan would do (`.../schedule/preview`: the same use
 * case, nothing saved); when it reports conflicts they are shown and the staff member saves again
 * to confirm. The grid follows every edit. */
(function () {
  'use strict';

  var S = window.Screens;
  var C = window.Console;
  var data = JSON.parse(document.getElementById('plan-data').textContent);
  var form = document.getElementById('schedule-form');
  var rows = document.getElementById('entries');
  var grid = document.querySelector('#week tbody');
  var conflictsBox = document.getElementById('conflicts');
  var conflictList = document.getElementById('conflict-list');
  var result = document.getElementById('schedule-result');
  var save = document.getElementById('save');
  var WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
  var REASONS = {
    booked_slot_not_in_plan: '已有预约的时段不在新排班中（保留，不再接受新预约）',
    capacity_below_booked: '每时段人数低于已预约人数（按已预约人数保留）',
    therapist_busy: '康复师在此时间已有其他时段（不会新建）'
  };
  var confirmedBody = null;  // the body whose conflicts the staff member has seen

  function therapistName(id) {
    var t = data.therapists.filter(function (x) { return x.id === id; })[0];
    return t ? t.name : '康复师 ' + id;
  }

  function option(value, text, selected) {
    var o = document.createElement('option');
    o.value = String(value);
    o.textContent = text;
    o.selected = !!selected;
    return o;
  }

  function labelled(control, text) {
    control.setAttribute('aria-label', text);
    return control;
  }

  function addRow(entry) {
    var index = rows.children.length;
    var tr = document.createElement('tr');
    var n = index + 1;
    var weekday = labelled(document.createElement('select'), '第 ' + n + ' 行 星期');
    WEEKDAYS.forEach(function (name, i) { weekday.appendChild(option(i + 1, name, entry.weekday === i + 1)); });
    weekday.className = 'e-weekday';
    var start = labelled(document.createElement('input'), '第 ' + n + ' 行 开始时间');
    start.type = 'time';
    start.value = entry.start || '09:00';
    start.className = 'e-start';
    var end = labelled(document.createElement('input'), '第 ' + n + ' 行 结束时间');
    end.type = 'time';
    end.value = entry.end === '24:00' ? '23:59' : (entry.end || '12:00');
    end.className = 'e-end';
    var therapist = labelled(document.createElement('select'), '第 ' + n + ' 行 康复师');
    data.therapists.forEach(function (t) { therapist.appendChild(option(t.id, t.name, entry.therapist_id === t.id)); });
    therapist.className = 'e-therapist';
    var capacity = labelled(document.createElement('input'), '第 ' + n + ' 行 每时段人数');
    capacity.type = 'number';
    capacity.min = '1';
    capacity.max = '50';
    capacity.value = String(entry.capacity || 1);
    capacity.className = 'e-capacity';
    var remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary remove';
    remove.textContent = '删除';
    remove.setAttribute('aria-label', '删除第 ' + n + ' 行');
    remove.addEventListener('click', function () {
      tr.remove();
      renumber();
      changed();
    });
    [weekday, start, end, therapist, capacity, remove].forEach(function (control) {
      var td = document.createElement('td');
      td.appendChild(control);
      tr.appendChild(td);
    });
    var errorRow = document.createElement('td');
    errorRow.className = 'row-error';
    var slot = S.element('p', 'field-error');
    slot.hidden = true;
    errorRow.appendChild(slot);
    tr.appendChild(errorRow);
    rows.appendChild(tr);
    renumber();
  }

  function renumber() {
    Array.prototype.forEach.call(rows.children, function (tr, i) {
      var slot = tr.querySelector('.field-error');
      slot.dataset.errorFor = 'weekly.' + i;
      slot.id = 'err-weekly-' + i;
      tr.querySelectorAll('select, input').forEach(function (control) {
        control.setAttribute('aria-describedby', slot.id);
      });
    });
  }

  function entries() {
    return Array.prototype.map.call(rows.children, function (tr) {
      return {
        weekday: Number(tr.querySelector('.e-weekday').value),
        start: tr.querySelector('.e-start').value,
        end: tr.querySelector('.e-end').value,
        therapist_id: Number(tr.querySelector('.e-therapist').value),
        capacity: Number(tr.querySelector('.e-capacity').value)
      };
    });
  }

  function body() {
    var slotMin = form.querySelector('[name="slot_min"]').value;
    return {
      slot_min: slotMin === '' ? null : Number(slotMin),
      valid_from: form.querySelector('[name="valid_from"]').value || null,
      valid_to: form.querySelector('[name="valid_to"]').value || null,
      weekly: entries()
    };
  }

  function minutes(hhmm) {
    var parts = (hhmm || '0:0').split(':');
    return Number(parts[0]) * 60 + Number(parts[1]);
  }

  /* The week as a table: one row per hour, one column per weekday, each cell naming the therapists
   * working in that hour (text, not only colour). */
  function drawGrid() {
    var list = entries();
    var first = 8 * 60;
    var last = 18 * 60;
    list.forEach(function (e) {
      var s = minutes(e.start);
      var t = minutes(e.end) <= s ? 24 * 60 : minutes(e.end);
      first = Math.min(first, s);
      last = Math.max(last, t);
    });
    grid.textContent = '';
    for (var hour = Math.floor(first / 60); hour < Math.ceil(last / 60); hour += 1) {
      var tr = document.createElement('tr');
      var th = S.element('th', '', String(hour).padStart(2, '0') + ':00');
      th.scope = 'row';
      tr.appendChild(th);
      for (var day = 1; day <= 7; day += 1) {
        var names = [];
        list.forEach(function (e) {
          var s = minutes(e.start);
          var t = minutes(e.end) <= s ? 24 * 60 : minutes(e.end);
          if (e.weekday === day && s < (hour + 1) * 60 && hour * 60 < t) {
            names.push(therapistName(e.therapist_id) + (e.capacity > 1 ? ' ×' + e.capacity : ''));
          }
        });
        var td = S.element('td', names.length ? 'busy' : '', names.join('、'));
        td.dataset.weekday = String(day);
        td.dataset.hour = String(hour);
        tr.appendChild(td);
      }
      grid.appendChild(tr);
    }
  }

  function changed() {
    confirmedBody = null;
    conflictsBox.hidden = true;
    save.textContent = '保存排班';
    drawGrid();
  }

  function describe(conflict) {
    var when = conflict.starts_at.slice(0, 16).replace('T', ' ');
    var who = conflict.therapist ? conflict.therapist.name : '';
    return when + ' ' + who + '：' + (REASONS[conflict.reason] || conflict.reason) +
      (conflict.booked ? '，已预约 ' + conflict.booked + ' 人' : '');
  }

  function showConflicts(conflicts) {
    conflictList.textContent = '';
    conflicts.forEach(function (c) {
      var li = S.element('li', 'conflict', describe(c));
      li.dataset.reason = c.reason;
      conflictList.appendChild(li);
    });
    conflictsBox.hidden = conflicts.length === 0;
    if (conflicts.length) {
      conflictsBox.focus();
    }
  }

  function preview() {
    var current = body();
    result.textContent = '正在检查…';
    return S.api('POST', '/api/v1/staff/rehab/services/' + data.service_id + '/schedule/preview', current)
      .then(function (answer) {
        C.clearErrors(form);
        showConflicts(answer.conflicts);
        result.textContent = '检查结果：将新建 ' + answer.created + ' 个时段，移除 ' + answer.removed + ' 个，冲突 ' +
          answer.conflicts.length + ' 个（尚未保存）';
        if (answer.conflicts.length) {
          confirmedBody = JSON.stringify(current);
          save.textContent = '仍然保存';
        }
        return answer;
      }, function (error) {
        result.textContent = '';
        C.showError(form, error);
        throw error;
      });
  }

  C.builders.schedule = function () {
    return body();
  };

  C.handlers.scheduleSaved = function (answer) {
    confirmedBody = null;
    save.textContent = '保存排班';
    showConflicts(answer.conflicts);
    conflictsBox.querySelector('h3').textContent = answer.conflicts.length ? '已保存，以下冲突需要处理' : '';
    result.textContent = '已保存：新建 ' + answer.created + ' 个时段，移除 ' + answer.removed + ' 个，冲突 ' +
      answer.conflicts.length + ' 个';
    C.showToast('排班已保存');
  };

  C.handlers.closed = function (answer, closure) {
    document.getElementById('closure-result').textContent =
      '已设置 ' + answer.date + ' 闭站，取消预约 ' + answer.cancelled_appointments + ' 个，已通知居民';
    closure.reset();
  };

  /* Saving: a plan not yet checked is checked first; with conflicts the staff member sees them and
   * presses 仍然保存 to save that same plan. */
  form.addEventListener('submit', function (event) {
    if (confirmedBody !== null && confirmedBody === JSON.stringify(body())) {
      return;  // seen and confirmed: console.js sends it
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    preview().then(function (answer) {
      if (!answer.conflicts.length) {
        confirmedBody = JSON.stringify(body());
        form.requestSubmit(save);
      }
    }, function () {});
  }, true);

  document.getElementById('preview').addEventListener('click', function () {
    preview().catch(function () {});
  });
  document.getElementById('add-entry').addEventListener('click', function () {
    var last = entries().slice(-1)[0];
    addRow({weekday: last ? Math.min(last.weekday + 1, 7) : 1, start: '09:00', end: '12:00',
            therapist_id: data.therapists.length ? data.therapists[0].id : null, capacity: 1});
    changed();
    rows.lastElementChild.querySelector('select').focus();
  });
  rows.addEventListener('input', changed);
  rows.addEventListener('change', changed);
  form.querySelectorAll('#slot_min, #valid_from, #valid_to').forEach(function (control) {
    control.addEventListener('change', changed);
  });

  data.plan.weekly.forEach(addRow);
  drawGrid();
})();
