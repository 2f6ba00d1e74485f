// The register's "Mark everyone present" button, in the page: it only sets the radios of the
// students not marked yet (nothing is saved until "Save register"). Without this script the same
// button is a submit button the server answers with the same marks (register-form.ts allPresent).

export function initRegister(root) {
  for (const form of root.querySelectorAll('form[data-module="app-register"]')) {
    const button = form.querySelector('[data-app-all-present]');
    const status = form.querySelector('[data-app-all-present-status]');
    if (!button) continue;
    button.addEventListener('click', (event) => {
      event.preventDefault();
      // Only students with no choice yet: a check-in, an approved apology or a choice stands.
      for (const radio of form.querySelectorAll('input[type="radio"][value="present"]')) {
        const group = form.querySelectorAll(`input[type="radio"][name="${radio.name}"]`);
        if ([...group].some((r) => r.checked)) continue;
        // click() checks the radio and lets nhsuk-frontend hide any minutes box left open.
        radio.click();
      }
      if (status) {
        status.textContent =
          'Everyone not marked yet is marked present. Change anyone who was not there, then save the register.';
      }
    });
  }
}
