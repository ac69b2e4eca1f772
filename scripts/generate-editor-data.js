// Editor data from custom-elements.json (through generate-model.js), shipped in the package:
// - types/vscode.html-custom-data.json: VS Code's HTML custom data (the `html.customData` setting),
//   completion and hover for the tags and the attributes a page sets, with their values.
// - types/web-types.json: JetBrains web-types (found through package.json's `web-types`), the
//   same plus properties, events, slots and CSS hooks.
// Read-only attributes the elements reflect (`status`, `level`) are left out of completion: a
// page reads them (CSS selectors), it does not write them.

const markdown = (value) => ({ kind: 'markdown', value });
const elementText = (element) => [element.summary, element.description].filter(Boolean).join('\n\n');

/** What an attribute's type is in VS Code's terms: values to offer, or `v` for a boolean (no value). */
function vscodeValues(attribute) {
  const { members, values } = attribute.resolved;
  if (members.length === 1 && members[0] === 'boolean') return { valueSet: 'v' };
  return values.length ? { values: values.map((name) => ({ name })) } : {};
}

export function vscodeData(model) {
  return {
    $schema: 'https://raw.githubusercontent.com/microsoft/vscode-html-languageservice/main/docs/customData.schema.json',
    version: 1.1,
    tags: model.elements.map((element) => ({
      name: element.tag,
      description: markdown(elementText(element)),
      attributes: element.attributes
        .filter((a) => a.settable)
        .map((a) => ({
          name: a.name,
          description: markdown([a.description, a.type && `Type: \`${a.type}\``, a.default !== undefined && `Default: \`${a.default}\``].filter(Boolean).join('\n\n')),
          ...vscodeValues(a),
        })),
    })),
  };
}

/** A type for web-types: the resolved union as text (`'text' | 'json' | 'bytes'`). */
const webType = (resolved) => resolved.members.join(' | ');

export function webTypes(model) {
  return {
    $schema: 'https://json.schemastore.org/web-types',
    name: model.pkg.name,
    version: model.pkg.version,
    'description-markup': 'markdown',
    'js-types-syntax': 'typescript',
    contributions: {
      html: {
        elements: model.elements.map((element) => ({
          name: element.tag,
          description: elementText(element),
          source: { module: element.importFrom, symbol: element.className },
          attributes: element.attributes
            .filter((a) => a.settable)
            .map((a) => {
              // A boolean attribute is written without a value (`retain`), which web-types calls a value that is not required.
              const boolean = a.resolved.members.length === 1 && a.resolved.members[0] === 'boolean';
              const value = { type: boolean ? 'boolean' : webType(a.resolved), ...(boolean ? { required: false } : {}), ...(a.default !== undefined ? { default: a.default } : {}) };
              return { name: a.name, description: a.description, value };
            }),
          events: element.events.map((e) => ({ name: e.name, description: e.description })),
          slots: element.slots.map((s) => ({ name: s.name, description: s.description })),
          js: {
            properties: element.properties.map((p) => ({
              name: p.name,
              description: p.description,
              ...(p.readonly ? { 'read-only': true } : {}),
              type: webType(p.resolved),
            })),
            events: element.events.map((e) => ({ name: e.name, description: e.description })),
          },
          css: {
            parts: element.cssParts.map((p) => ({ name: p.name, description: p.description })),
            properties: element.cssProperties.map((p) => ({ name: p.name, description: p.description })),
          },
        })),
      },
    },
  };
}

/** The editor data files, by path from the repository root. */
export function editorFiles(model) {
  const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
  return new Map([
    ['types/vscode.html-custom-data.json', json(vscodeData(model))],
    ['types/web-types.json', json(webTypes(model))],
  ]);
}
