{{/* Chart name, overridable with nameOverride. */}}
{{- define "agent-sandbox-router.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified name: the release name alone when it already contains the chart name, so release
"agent-sandbox-router" gives "agent-sandbox-router" (and the ClusterRole "agent-sandbox-router-client").
*/}}
{{- define "agent-sandbox-router.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "agent-sandbox-router.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "agent-sandbox-router.selectorLabels" -}}
app.kubernetes.io/name: {{ include "agent-sandbox-router.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "agent-sandbox-router.labels" -}}
helm.sh/chart: {{ include "agent-sandbox-router.chart" . }}
{{ include "agent-sandbox-router.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The controller's pods must not match the router's selector, so they carry their own name. */}}
{{- define "agent-sandbox-router.controllerSelectorLabels" -}}
app.kubernetes.io/name: agent-sandbox-controller
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "agent-sandbox-router.controllerLabels" -}}
helm.sh/chart: {{ include "agent-sandbox-router.chart" . }}
{{ include "agent-sandbox-router.controllerSelectorLabels" . }}
app.kubernetes.io/component: controller
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "agent-sandbox-router.image" -}}
{{- printf "%s:%s" .image.repository (.image.tag | default .root.Chart.AppVersion | toString) }}
{{- end }}

{{- define "agent-sandbox-router.routerServiceAccount" -}}
{{- .Values.router.serviceAccount.name | default "sandbox-router" }}
{{- end }}

{{/* The namespace the controller's default NetworkPolicy admits router pods from (DESIGN: must agree). */}}
{{- define "agent-sandbox-router.routerNamespace" -}}
{{- .Values.controller.routerNamespace | default .Values.namespace }}
{{- end }}

{{- define "agent-sandbox-router.authSecretName" -}}
{{- .Values.router.auth.existingSecret | default (printf "%s-auth" (include "agent-sandbox-router.fullname" .)) }}
{{- end }}
