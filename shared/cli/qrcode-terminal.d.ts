// qrcode-terminal ships no types; only what qr.ts calls is declared.
declare module 'qrcode-terminal' {
  export function generate(
    input: string,
    options: { small?: boolean },
    callback: (output: string) => void,
  ): void;
}
