#!/usr/bin/env bash
# Fetch, ONCE, the third-party web assets that kotaku-gis maps use, from the npm registry, and copy
# only the files the maps use (with their licence) into kotaku_gis/maps/assets/.  The results are
# committed: building or opening a map never touches the network.  Re-run only to change a version.
#
#   bash scripts/vendor_assets.sh            # needs `npm` (Node.js) and network access to the registry
#
# What is kept, and why:
#   leaflet@1.9.4 (BSD-2-Clause): dist/leaflet.js, dist/leaflet.css, the layer-control icons
#   dist/images/layers.png and layers-2x.png (the CSS points at them; they are inlined as data: URIs
#   when a map inlines its assets), and LICENSE.  Not kept: the default marker icons (the maps draw
#   circle markers only), the source maps and the unminified/ESM builds.
# Nothing else is vendored: the maps need neither jQuery, Bootstrap, awesome-markers nor Font Awesome
# (folium's defaults, which kotaku_gis.maps removes); their own script and style are
# kotaku_gis/maps/assets/kotaku/ (MIT, part of this project).
set -euo pipefail
cd "$(dirname "$0")/.."

LEAFLET_VERSION=1.9.4
dest=kotaku_gis/maps/assets/leaflet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "leaflet@${LEAFLET_VERSION}" >/dev/null && tar xzf "leaflet-${LEAFLET_VERSION}.tgz")
rm -rf "$dest"
mkdir -p "$dest/images"
cp "$tmp/package/dist/leaflet.js" "$tmp/package/dist/leaflet.css" "$tmp/package/LICENSE" "$dest/"
cp "$tmp/package/dist/images/layers.png" "$tmp/package/dist/images/layers-2x.png" "$dest/images/"
# leaflet.js ends with a sourceMappingURL comment; the map file is not shipped, so drop the comment
# (a browser with developer tools open would otherwise request it).
sed -i '/^\/\/# sourceMappingURL=/d' "$dest/leaflet.js"
{
  echo "leaflet ${LEAFLET_VERSION} from the npm registry (npm pack leaflet@${LEAFLET_VERSION})"
  echo "tarball sha256: $(sha256sum "$tmp/leaflet-${LEAFLET_VERSION}.tgz" | cut -d' ' -f1)"
  echo "files: dist/leaflet.js (sourceMappingURL comment removed), dist/leaflet.css, dist/images/layers.png, dist/images/layers-2x.png, LICENSE"
} > "$dest/SOURCE.txt"
echo "vendored leaflet ${LEAFLET_VERSION} into $dest:"
ls -l "$dest" "$dest/images"
