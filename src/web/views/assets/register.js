// The register's "Mark everyone present" button, in the page: it only sets the radios (nothing
// is saved until "Save register"). Without this script the same button is a submit button the
// server answers by showing the form with every student marked present.

export function initRegister(root) {
  for (const form of root.querySelectorAll('form[data-module="app-register"]')) {
    const button = form.querySelector('[data-app-all-present]');
    const status = form.querySelector('[data-app-all-present-status]');
    if (!button) continue;
    button.addEventListener('click', (event) => {
      event.preventDefault();
      for (const radio of form.querySelectorAll('input[type="radio"][value="present"]')) {
        // click() checks the radio and lets nhsuk-frontend hide any minutes box left open.
        if (!radio.checked) radio.click();
      }
      if (status) {
        status.textContent =
          'Everyone is marked present. Change anyone who was not there, then save the register.';
      }
    });
  }
}
