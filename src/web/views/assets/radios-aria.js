// nhsuk-frontend sets aria-expanded on a radio that reveals content. ARIA 1.2 does not allow
// aria-expanded on the radio role (axe reports it as a critical "aria-allowed-attr" violation;
// GOV.UK Frontend keeps it deliberately, see alphagov/govuk-frontend#979 and w3c/aria#1404).
// We keep aria-controls, which is valid, and drop aria-expanded whenever it is set: the revealed
// field follows its radio directly, so it is the next thing a screen reader user meets.

export function initRadiosAria(root) {
  const selector = 'input[type="radio"][aria-expanded]';
  for (const radio of root.querySelectorAll(selector)) radio.removeAttribute('aria-expanded');
  new MutationObserver((changes) => {
    for (const { target } of changes) {
      if (target.matches(selector)) target.removeAttribute('aria-expanded');
    }
  }).observe(root.body, { subtree: true, attributes: true, attributeFilter: ['aria-expanded'] });
}
