// Types for the `input` package (interactive prompts on top of inquirer), which ships none.
declare module 'input' {
  interface InputOptions {
    default?: string
    validate?: (answer: string) => boolean | string | Promise<boolean | string>
  }
  export function text(label?: string, options?: InputOptions): Promise<string>
  export function password(label?: string, options?: InputOptions): Promise<string>
  export function confirm(label?: string, options?: InputOptions): Promise<boolean>
  const input: { text: typeof text; password: typeof password; confirm: typeof confirm }
  export default input
}
