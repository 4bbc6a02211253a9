// Sets the `dark` class before the first paint (no flash): the saved choice, else the system's.
(function () {
  try {
    var saved = localStorage.getItem('portico.theme');
    var dark = saved === 'dark' || (saved !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
    document.documentElement.classList.toggle('dark', dark);
  } catch {
    /* storage blocked: keep the light default */
  }
})();
