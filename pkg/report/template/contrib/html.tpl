{{- /*
  A standalone HTML page: the image, counts by severity and a table of the
  findings (suppressed ones greyed out with their reason). Every value goes
  through escapeXML, only http(s) references become links, and the report's
  artifact is embedded as JSON for scripts.
*/ -}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>drydock: {{ escapeXML .Artifact.Name }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
.sev-critical { background: #b71c1c; color: #fff; }
.sev-high { background: #e53935; color: #fff; }
.sev-medium { background: #fb8c00; }
.sev-low { background: #fdd835; }
.sev-unknown { background: #bdbdbd; }
tr.suppressed { color: #888; }
</style>
<script type="application/json" id="artifact">{{ toJSON .Artifact }}</script>
</head>
<body>
<h1>{{ escapeXML .Artifact.Name }}</h1>
<p>
{{- with .Artifact.Digest }}<code>{{ escapeXML . }}</code><br>{{ end }}
{{- with .Inventory.OS }}{{ escapeXML .PrettyName }}<br>{{ end }}
{{- with .Artifact.RepoTags }}Tags: {{ escapeXML (join ", " .) }}<br>{{ end }}
{{ len .Inventory.Packages }} packages, scanned {{ (now).UTC.Format "2006-01-02 15:04:05 UTC" }} by {{ escapeXML .Tool.Name }} {{ escapeXML .Tool.Version }}</p>
{{ if eq .Vulnerabilities nil -}}
<p>Vulnerability scanning was not run.</p>
{{ else -}}
<table>
<tr><th class="sev-critical">CRITICAL</th><th class="sev-high">HIGH</th><th class="sev-medium">MEDIUM</th><th class="sev-low">LOW</th><th class="sev-unknown">UNKNOWN</th></tr>
<tr><td>{{ severityCount .Vulnerabilities "CRITICAL" }}</td><td>{{ severityCount .Vulnerabilities "HIGH" }}</td><td>{{ severityCount .Vulnerabilities "MEDIUM" }}</td><td>{{ severityCount .Vulnerabilities "LOW" }}</td><td>{{ severityCount .Vulnerabilities "UNKNOWN" }}</td></tr>
</table>
<h2>Vulnerabilities</h2>
<table>
<tr><th>Vulnerability</th><th>Severity</th><th>Package</th><th>Installed</th><th>Fixed in</th><th>Path</th><th>Summary</th></tr>
{{ range .Vulnerabilities -}}
<tr{{ if .Suppressed }} class="suppressed"{{ end }}>
  <td>{{ $link := "" }}{{ with .References }}{{ $ref := index . 0 }}{{ if or (eq (printf "%.8s" $ref) "https://") (eq (printf "%.7s" $ref) "http://") }}{{ $link = $ref }}{{ end }}{{ end -}}
    {{ if $link }}<a href="{{ escapeXML $link }}">{{ escapeXML .ID }}</a>{{ else }}{{ escapeXML .ID }}{{ end }}{{ with .Aliases }}<br><small>{{ escapeXML (join ", " .) }}</small>{{ end }}</td>
  <td class="sev-{{ lower .Severity }}">{{ upper .Severity }}</td>
  <td>{{ escapeXML .Package.Name }}</td>
  <td>{{ escapeXML .Package.Version }}</td>
  <td>{{ escapeXML (or .FixedVersion "no fix") }}</td>
  <td>{{ range $i, $l := .Package.Locations }}{{ if $i }}<br>{{ end }}<code>{{ escapeXML $l.Path }}</code>{{ end }}</td>
  <td>{{ escapeXML .Summary }}{{ with .Suppressed }}<br><em>suppressed by {{ escapeXML .By }}{{ with .Reason }}: {{ escapeXML . }}{{ end }}</em>{{ end }}</td>
</tr>
{{ end -}}
</table>
{{ end -}}
</body>
</html>
