output "page_url" {
  value = local.page_url
}

output "function_urls" {
  value = { for name, f in google_cloudfunctions2_function.function : name => f.service_config[0].uri if local.functions[name].trigger == "http" }
}

output "token_events_topic" {
  value = google_pubsub_topic.token_events.id
}
