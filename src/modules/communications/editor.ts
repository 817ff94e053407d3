import type { FastifyInstance } from "fastify";

/**
 * Progressive enhancement for the article textarea: a few buttons that wrap the selection in
 * allowed tags. The form works without it; the server sanitises whatever is posted anyway.
 */
export const EDITOR_JS = `(function(){var t=document.getElementById("f-body");if(!t||!t.form)return;
var b=[["p","¶"],["h2","H2"],["h3","H3"],["strong","B"],["em","I"],["ul","• list"],["blockquote","“ ”"],["a","link"]];
var bar=document.createElement("div");bar.className="comm-toolbar";bar.setAttribute("role","toolbar");
b.forEach(function(x){var k=document.createElement("button");k.type="button";k.className="secondary";k.textContent=x[1];
k.addEventListener("click",function(){var s=t.selectionStart,e=t.selectionEnd,v=t.value,sel=v.slice(s,e),o,c;
if(x[0]==="a"){var h=window.prompt("https://");if(!h||!/^(https?:|mailto:)/i.test(h))return;o='<a href="'+h.replace(/"/g,"&quot;")+'">';c="</a>";}
else if(x[0]==="ul"){o="<ul>\\n<li>";c="</li>\\n</ul>";sel=sel.split("\\n").join("</li>\\n<li>");}
else{o="<"+x[0]+">";c="</"+x[0]+">";}
t.value=v.slice(0,s)+o+sel+c+v.slice(e);t.focus();t.selectionStart=s+o.length;t.selectionEnd=s+o.length+sel.length;});bar.appendChild(k);});
t.parentNode.insertBefore(bar,t);})();`;

export async function editorScriptRoute(app: FastifyInstance): Promise<void> {
  app.get("/communications/editor.js", async (_req, reply) =>
    reply.type("text/javascript; charset=utf-8").header("cache-control", "public, max-age=86400").send(EDITOR_JS),
  );
}
