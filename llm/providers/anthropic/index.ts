export { createAnthropicLanguageModel } from './anthropic-language-model.js'
