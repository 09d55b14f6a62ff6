// A typedoc plugin of the docs build. Validation stays strict for everything an author declares; the one
// exemption is the members of a variable's type literal — such as the input fields of `lucyProT2v`, which
// zod infers from the schema — since they have no declaration of their own to carry a comment. The
// variable itself must still be documented.
import { Converter, ReflectionKind } from "typedoc";

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    let exempted = 0;
    for (const reflection of Object.values(project.reflections)) {
      if (reflection.hasComment()) continue;
      let ancestor = reflection.parent;
      while (ancestor && !ancestor.kindOf(ReflectionKind.Variable)) ancestor = ancestor.parent;
      if (!ancestor) continue;
      // Validation skips reflections that have no symbol: forget the member's (it is never a link target).
      if (project.reflectionIdToSymbolIdMap.delete(reflection.id)) exempted++;
    }
    app.logger.verbose(`Members of variables' type literals exempted from notDocumented: ${exempted}`);
  });
}
