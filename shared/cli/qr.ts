import * as qrcode from 'qrcode-terminal';

/**
 * The authorize URL as a QR code in half-block characters (two modules per character row), light
 * modules drawn, dark ones left as background: scannable from a phone on a dark terminal.
 */
export function renderQr(text: string): string {
  let drawn = '';
  // Synchronous despite the callback.
  qrcode.generate(text, { small: true }, (output) => {
    drawn = output;
  });
  return drawn;
}
