// Student import: reads the chosen CSV file into the form's textarea, so the page needs no
// multipart upload. Without this script the file input stays hidden and the text is pasted.

export function initCsvFile(root) {
  for (const form of root.querySelectorAll('form[data-module="app-csv-file"]')) {
    const input = form.querySelector('[data-app-csv-file-input]');
    const text = form.querySelector('[data-app-csv-file-text]');
    if (!input || !text) continue;
    input.addEventListener('change', async () => {
      const file = input.files && input.files[0];
      if (!file) return;
      text.value = await file.text();
      text.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }
}
