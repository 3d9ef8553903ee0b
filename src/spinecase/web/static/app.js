/* spinecase — small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  function csrf() {
    var field = document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  /* Case page: a field's "evidence" link lights up all its spans in the source text. */
  function showEvidence(field, focus) {
    var marks = document.querySelectorAll("mark.ev");
    var first = null;
    marks.forEach(function (m) {
      var on = (m.getAttribute("data-fields") || "").split(" ").indexOf(field) >= 0;
      m.classList.toggle("active", on);
      if (on && !first) { first = m; }
    });
    document.querySelectorAll(".field-row").forEach(function (row) {
      row.classList.toggle("active", row.getAttribute("data-field") === field);
    });
    if (first) {
      var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      first.scrollIntoView({ behavior: reduce ? "auto" : "smooth", block: "center" });
      if (focus) { first.setAttribute("tabindex", "-1"); first.focus({ preventScroll: true }); }
    }
    return first;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.ev-link") : null;
    if (link) {
      event.preventDefault();
      var field = link.getAttribute("data-field");
      if (showEvidence(field, true) && history.replaceState) {
        history.replaceState(null, "", "#ev-" + field.replace(/[^A-Za-z0-9]/g, "-"));
      }
      return;
    }
    var mark = event.target.closest ? event.target.closest("mark.ev") : null;
    if (mark) {
      var fields = (mark.getAttribute("data-fields") || "").split(" ");
      document.querySelectorAll(".field-row").forEach(function (row) {
        row.classList.toggle("active", fields.indexOf(row.getAttribute("data-field")) >= 0);
      });
      var row = document.getElementById("f-" + fields[0].replace(/[^A-Za-z0-9]/g, "-"));
      if (row) { row.scrollIntoView({ block: "nearest" }); }
    }
  });

  /* Select boxes marked data-autosubmit submit their form on change. */
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]")) {
      event.target.form.submit();
    }
  });

  /* Ingest: upload with a progress bar, then go to the job page. */
  function setupUpload(form) {
    form.addEventListener("submit", function (event) {
      var files = form.querySelector('input[type="file"]');
      if (!files || !files.files.length || !window.FormData) { return; }
      event.preventDefault();
      var error = document.getElementById("upload-error");
      var row = document.getElementById("upload-progress");
      var bar = document.getElementById("upload-bar");
      var button = form.querySelector('button[type="submit"]');
      error.hidden = true;
      row.hidden = false;
      button.disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("data-api"));
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = e.loaded / e.total; }
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        if (xhr.status === 202 && body.page) {
          window.location.assign(body.page);
        } else {
          error.textContent = body.detail || ("Upload failed (" + xhr.status + ")");
          error.hidden = false;
          button.disabled = false;
          row.hidden = true;
        }
      });
      xhr.addEventListener("error", function () {
        error.textContent = "Upload failed: the server could not be reached.";
        error.hidden = false;
        button.disabled = false;
      });
      xhr.send(new FormData(form));
    });
  }

  /* Job page: follow the ingest, then show the full summary. */
  function followJob(box) {
    var id = box.getAttribute("data-job");
    function poll() {
      fetch("/api/ingest/jobs/" + encodeURIComponent(id), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          document.getElementById("job-bar").value = data.progress;
          var status = document.getElementById("job-status");
          status.textContent = data.status;
          status.className = "status status-" + data.status;
          ["read", "new", "updated", "merged", "unchanged", "skipped", "failed"].forEach(function (k) {
            var el = document.getElementById("job-" + k);
            if (el) { el.textContent = data[k]; }
          });
          if (data.status === "done" || data.status === "failed") {
            window.location.reload();
          } else {
            window.setTimeout(poll, 400);
          }
        })
        .catch(function () { window.setTimeout(poll, 1500); });
    }
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("upload-form");
    if (form) { setupUpload(form); }
    var job = document.getElementById("job");
    if (job && ["queued", "running"].indexOf(job.getAttribute("data-status")) >= 0) { followJob(job); }
    if (location.hash.indexOf("#ev-") === 0) {
      var target = document.getElementById(location.hash.slice(1));
      if (target) { showEvidence((target.getAttribute("data-fields") || "").split(" ")[0], false); }
    }
  });
})();
