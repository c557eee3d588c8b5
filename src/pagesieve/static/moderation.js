// pagesieve moderation page: save a block's corrected label without leaving the page.
// Loaded from /static so the Content-Security-Policy can forbid inline scripts. All text is set
// with textContent, never innerHTML, so nothing from a crawled page is ever parsed as markup.
"use strict";

const LABELS = ["content", "comment", "related", "ad", "boilerplate"];

function setLabel(block, label) {
  for (const l of LABELS) block.classList.remove("label-" + l);
  block.classList.add("label-" + label);
  block.dataset.label = label;
  block.dataset.corrected = "true";
  const badge = block.querySelector(".badge");
  if (badge) badge.textContent = label;
  // the score beside the badge is the model's for its own label: say whose label this is now,
  // as the page does for a block corrected earlier
  const meta = block.querySelector(".meta");
  if (meta) {
    let note = meta.querySelector(".corrected");
    if (!note) {
      note = document.createElement("span");
      note.className = "corrected";
      meta.insertBefore(note, meta.querySelector(".where"));
    }
    note.textContent = "corrected from " + (block.dataset.modelLabel || "?") + " just now";
  }
}

async function saveCorrection(form) {
  const data = new FormData(form);
  const status = form.querySelector(".status");
  const payload = { text: data.get("text"), label: data.get("label") };
  for (const key of ["source", "predicted"]) {
    const value = data.get(key);
    if (value) payload[key] = value;
  }
  status.textContent = "saving…";
  form.dataset.state = "saving";
  try {
    const response = await fetch("/v1/feedback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    if (!response.ok) {
      let reason = response.status + " " + response.statusText;
      try {
        const body = await response.json();
        if (body && body.detail) reason = JSON.stringify(body.detail);
      } catch (_) { /* keep the status line */ }
      status.textContent = "not saved: " + reason;
      form.dataset.state = "error";
      return;
    }
    const block = form.closest(".block");
    if (block) setLabel(block, payload.label);
    status.textContent = "saved";
    form.dataset.state = "saved";
    form.dataset.saved = payload.label;
  } catch (err) {
    status.textContent = "not saved: " + err;
    form.dataset.state = "error";
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains("correct")) return;
  event.preventDefault();
  // a double click, or "save" again with the label unchanged, stores the correction once
  if (form.dataset.state === "saving") return;
  if (form.dataset.saved === new FormData(form).get("label")) return;
  saveCorrection(form);
});
