// Reads argv and env once and hands over to the CLI.
export async function main(argv: string[], _env: NodeJS.ProcessEnv): Promise<number> {
  console.log(argv.join(' '));
  return 0;
}
