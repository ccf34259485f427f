// The page the kiosk window shows while the host is down. A data: URL, so it needs neither
// the host nor a file on disk, and it carries no script. Text in the three kiosk languages,
// because nobody has chosen a language yet when this appears.
export function errorPageUrl(detail: 'starting' | 'restarting' | 'unreachable'): string {
  const lines: Record<typeof detail, readonly [string, string, string]> = {
    starting: ['Кіёск запускаецца…', 'Киоск запускается…', 'The kiosk is starting…'],
    restarting: [
      'Кіёск перазапускаецца. Калі ласка, пачакайце.',
      'Киоск перезапускается. Пожалуйста, подождите.',
      'The kiosk is restarting. Please wait.',
    ],
    unreachable: [
      'Кіёск часова не працуе. Звярніцеся да супрацоўніка.',
      'Киоск временно не работает. Обратитесь к сотруднику.',
      'The kiosk is temporarily out of service. Please ask a staff member.',
    ],
  };
  const body = lines[detail].map((l) => `<p>${l}</p>`).join('');
  const html =
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    '<title>Veche Kiosk</title><style>' +
    'html,body{margin:0;height:100%;background:#111;color:#eee;font:2.2rem/1.4 sans-serif}' +
    'body{display:flex;flex-direction:column;justify-content:center;align-items:center;text-align:center}' +
    'p{margin:.6em 2em}</style></head>' +
    `<body data-veche-shell-error="${detail}">${body}</body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}

/** True only for one of the shell's own pages, byte for byte (a page cannot forge one). */
export function isErrorPageUrl(url: string): boolean {
  return (['starting', 'restarting', 'unreachable'] as const).some((d) => errorPageUrl(d) === url);
}
