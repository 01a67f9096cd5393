/* A signature pad: a canvas the signer draws on with a finger, a stylus or a mouse (pointer events),
 * producing a PNG as base64 (what the API's `handover.signature_png` takes: no `data:` prefix).
 *
 *   <div class="signature-pad" data-signature-pad data-input="signature_png">
 *     <canvas aria-label="签名区：请在此处签名" role="img"></canvas>
 *     <button type="button" data-clear>重写</button>
 *     <input type="hidden" name="signature_png" id="signature_png">
 *   </div>
 *
 * `SignaturePad.attach(element)` → {isEmpty(), clear(), png()}; the hidden input always holds the
 * current PNG ('' while nothing is drawn). The canvas is sized in device pixels so strokes are sharp
 * on a tablet; a stroke is smoothed with quadratic curves through the midpoints. */
(function () {
  'use strict';

  function attach(root) {
    var canvas = root.querySelector('canvas');
    var input = root.querySelector('input[type="hidden"]');
    var ctx = canvas.getContext('2d');
    var drawn = false;
    var points = [];
    var active = null;

    function size() {
      var ratio = window.devicePixelRatio || 1;
      var box = canvas.getBoundingClientRect();
      var keep = drawn ? canvas.toDataURL('image/png') : null;
      canvas.width = Math.max(1, Math.round(box.width * ratio));
      canvas.height = Math.max(1, Math.round(box.height * ratio));
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = '#111827';
      if (keep) {  // a rotated tablet keeps the signature
        var img = new Image();
        img.onload = function () { ctx.drawImage(img, 0, 0, box.width, box.height); };
        img.src = keep;
      }
    }

    function at(event) {
      var box = canvas.getBoundingClientRect();
      return {x: event.clientX - box.left, y: event.clientY - box.top};
    }

    function down(event) {
      if (active !== null) {
        return;
      }
      active = event.pointerId;
      canvas.setPointerCapture(event.pointerId);
      points = [at(event)];
      ctx.beginPath();
      ctx.arc(points[0].x, points[0].y, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fill();
      drawn = true;
      event.preventDefault();
    }

    function move(event) {
      if (event.pointerId !== active) {
        return;
      }
      points.push(at(event));
      var n = points.length;
      if (n >= 3) {
        var a = points[n - 3], b = points[n - 2], c = points[n - 1];
        ctx.beginPath();
        ctx.moveTo((a.x + b.x) / 2, (a.y + b.y) / 2);
        ctx.quadraticCurveTo(b.x, b.y, (b.x + c.x) / 2, (b.y + c.y) / 2);
        ctx.stroke();
      } else if (n === 2) {
        ctx.beginPath();
        ctx.moveTo(points[0].x, points[0].y);
        ctx.lineTo(points[1].x, points[1].y);
        ctx.stroke();
      }
      event.preventDefault();
    }

    function up(event) {
      if (event.pointerId !== active) {
        return;
      }
      active = null;
      points = [];
      sync();
    }

    function png() {
      return drawn ? canvas.toDataURL('image/png').split(',', 2)[1] : '';
    }

    function sync() {
      if (input) {
        input.value = png();
      }
      root.dataset.signed = drawn ? 'true' : 'false';
      root.dispatchEvent(new CustomEvent('signature-change', {bubbles: true}));
    }

    function clear() {
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.restore();
      drawn = false;
      sync();
    }

    canvas.style.touchAction = 'none';  // the page must not scroll while someone signs
    canvas.addEventListener('pointerdown', down);
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
    var clearButton = root.querySelector('[data-clear]');
    if (clearButton) {
      clearButton.addEventListener('click', clear);
    }
    window.addEventListener('resize', size);
    size();
    sync();
    return {isEmpty: function () { return !drawn; }, clear: clear, png: png};
  }

  var pads = [];
  document.querySelectorAll('[data-signature-pad]').forEach(function (root) {
    pads.push(attach(root));
  });
  window.SignaturePad = {attach: attach, pads: pads};
})();
