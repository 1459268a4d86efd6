"""Static files in production: the site's own CSS and JavaScript minified, then hashed and
pre-compressed by WhiteNoise.

The sources under static/ keep their comments (they explain the map's rules); what a
visitor downloads is the minified copy collectstatic writes to STATIC_ROOT. Debug and the
tests' live server serve the sources. Vendored files (static/vendor/) ship as they are.
"""

import rcssmin
import rjsmin
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}


def minifier(name):
    """The minifier of the static file `name`, or None when it is not ours to minify."""
    if name.startswith("vendor/"):
        return None
    return next((f for suffix, f in MINIFIERS.items() if name.endswith(suffix)), None)


class MinifiedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Every file it writes (the plain copy, and the hashed one the manifest makes from the
    source) is minified when it is ours; WhiteNoise then compresses what was written."""

    def _save(self, name, content):
        if maak_klein := minifier(name):
            content.seek(0)
            content = ContentFile(maak_klein(content.read().decode("utf-8")).encode("utf-8"))
        return super()._save(name, content)
