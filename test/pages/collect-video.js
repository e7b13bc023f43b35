// Records a short WebM in the page (no network): a canvas animation through
// captureStream() and MediaRecorder, then hands it to the <video> as a Blob URL.
// window.clipReady resolves once the video knows its duration.
window.clipReady = new Promise(function (resolve, reject) {
  addEventListener('DOMContentLoaded', function () {
    var canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    var ctx = canvas.getContext('2d');
    var frame = 0;
    var timer = setInterval(function () {
      ctx.fillStyle = 'hsl(' + (frame++ * 20) % 360 + ', 80%, 50%)';
      ctx.fillRect(0, 0, 64, 48);
    }, 40);
    var recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' });
    var chunks = [];
    recorder.ondataavailable = function (e) { chunks.push(e.data); };
    recorder.onerror = function (e) { reject(e.error || new Error('recorder failed')); };
    recorder.onstop = function () {
      clearInterval(timer);
      var video = document.getElementById('clip');
      video.src = URL.createObjectURL(new Blob(chunks, { type: 'video/webm' }));
      // MediaRecorder writes no duration: seek far ahead once so the browser computes it, then rewind.
      video.addEventListener('loadedmetadata', function () {
        if (isFinite(video.duration)) return resolve(video.duration);
        video.addEventListener('durationchange', function known() {
          if (!isFinite(video.duration)) return;
          video.removeEventListener('durationchange', known);
          video.currentTime = 0;
          resolve(video.duration);
        });
        video.currentTime = 1e6;
      }, { once: true });
    };
    recorder.start();
    setTimeout(function () { recorder.stop(); }, 2000);
  });
});
