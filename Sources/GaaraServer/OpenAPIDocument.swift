import Foundation

/// Renders the OpenAPI 3.0 document of the registered routes, so the document and the routes
/// cannot drift apart.
enum OpenAPIDocument {
    static func render(_ routes: [RouteDescription]) -> String {
        var paths: [String: [String: Any]] = [:]
        for route in routes {
            var operation: [String: Any] = [
                "summary": route.summary,
                "operationId": operationID(route),
                "tags": [route.path.hasPrefix("/webhooks") ? "webhooks" : String(route.path.split(separator: "/").dropFirst().first ?? "api")],
            ]
            var parameters: [[String: Any]] = []
            for segment in route.path.split(separator: "/") where segment.hasPrefix("{") {
                let name = String(segment.dropFirst().dropLast())
                let type = name == "id" ? "integer" : "string"
                parameters.append(["name": name, "in": "path", "required": true, "schema": ["type": type]])
            }
            for name in route.query {
                let integer = ["page", "per_page", "job", "step"].contains(name)
                parameters.append(["name": name, "in": "query", "required": false, "schema": ["type": integer ? "integer" : "string"]])
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = route.body {
                let content: [String: Any] =
                    body == "binary"
                    ? ["application/json": ["schema": ["type": "object"]]]
                    : ["application/json": ["schema": schema(body)]]
                operation["requestBody"] = ["required": true, "content": content]
            }
            var responses: [String: Any] = [String(route.status): response(route)]
            let error: [String: Any] = ["$ref": "#/components/responses/Error"]
            switch route.access {
            case .anyone: break
            case .role(let role):
                operation["security"] = [["bearerAuth": []]]
                operation["x-gaara-role"] = role.rawValue
                responses["401"] = error
                responses["403"] = error
            case .signature:
                operation["security"] = [[String: Any]]()
                operation["x-gaara-role"] = "signature"
                responses["401"] = error
            }
            if route.body != nil || !route.query.isEmpty || route.path.contains("{") { responses["400"] = error }
            if route.path.contains("{") { responses["404"] = error }
            if route.body != nil { responses["413"] = error }
            operation["responses"] = responses
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation
        }
        let document: [String: Any] = [
            "openapi": "3.0.3",
            "info": [
                "title": "Gaara CI server API", "version": "1",
                "description": "Repositories, triggers, runs, logs, statuses, tokens and secrets of a gaara serve instance.",
            ],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearerAuth": ["type": "http", "scheme": "bearer"]],
                "responses": [
                    "Error": [
                        "description": "An error with its reason",
                        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
                    ]
                ],
                "schemas": schemas,
            ],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func operationID(_ route: RouteDescription) -> String {
        let words = route.path.split(separator: "/").filter { $0 != "api" }.map { segment -> String in
            let clean = segment.replacingOccurrences(of: "{", with: "by_").replacingOccurrences(of: "}", with: "").replacingOccurrences(
                of: ".", with: "_")
            return clean
        }
        return route.method.rawValue.lowercased() + "_" + words.joined(separator: "_")
    }

    private static func response(_ route: RouteDescription) -> [String: Any] {
        switch route.response {
        case "empty": return ["description": "Done"]
        case "object": return ["description": "OK", "content": ["application/json": ["schema": ["type": "object"]]]]
        case "text": return ["description": "Plain text", "content": ["text/plain": ["schema": ["type": "string"]]]]
        case "event-stream": return ["description": "Server-sent events", "content": ["text/event-stream": ["schema": ["type": "string"]]]]
        case "binary": return ["description": "A file", "content": ["application/gzip": ["schema": ["type": "string", "format": "binary"]]]]
        default: return ["description": "OK", "content": ["application/json": ["schema": schema(route.response)]]]
        }
    }

    private static func schema(_ name: String) -> [String: Any] {
        if name.hasPrefix("[") { return ["type": "array", "items": schema(String(name.dropFirst().dropLast()))] }
        return ["$ref": "#/components/schemas/\(name)"]
    }

    private static func object(_ properties: [String: String], required: [String] = []) -> [String: Any] {
        var props: [String: Any] = [:]
        for (name, type) in properties {
            if type.hasPrefix("#") {
                props[name] = ["$ref": "#/components/schemas/" + type.dropFirst()]
            } else if type.hasPrefix("[") {
                props[name] = schema(type)
            } else {
                props[name] = ["type": type]
            }
        }
        var result: [String: Any] = ["type": "object", "properties": props]
        if !required.isEmpty { result["required"] = required }
        return result
    }

    private static var schemas: [String: Any] {
        [
            "Error": object(["error": "#ErrorBody"], required: ["error"]),
            "ErrorBody": object(["message": "string"], required: ["message"]),
            "Me": object(["name": "string", "role": "string"]),
            "Repository": object([
                "name": "string", "upstream": "string", "clone_url": "string", "default_branch": "string", "push_url": "string",
                "has_webhook_secret": "boolean", "created_at": "string",
            ]),
            "RepositoryDetail": object(["repository": "#Repository", "branches": "object"]),
            "CreateRepository": object(
                ["name": "string", "upstream": "string", "clone_url": "string", "webhook_secret": "string", "default_branch": "string"],
                required: ["name"]),
            "Workflow": object(["path": "string", "name": "string", "events": "array", "dispatch_inputs": "array", "errors": "array"]),
            "Dispatch": object(["workflow": "string", "ref": "string", "inputs": "object"], required: ["workflow"]),
            "Push": object(["updates": "array", "pusher": "string"], required: ["updates"]),
            "Triggered": object(["runs": "[Run]", "message": "string"]),
            "Status": object(["context": "string", "state": "string", "description": "string", "run_id": "integer", "updated_at": "string"]),
            "Secret": object(["value": "string"], required: ["value"]),
            "SecretInfo": object([
                "name": "string", "environment": "string", "updated_at": "string", "repository": "string", "level": "string",
            ]),
            "SecretUse": object([
                "name": "string", "file": "string", "line": "integer", "column": "integer", "job": "string", "environment": "string",
                "levels": "array",
            ]),
            "KeyRotation": object(["resealed": "integer"]),
            "VariableValue": object(["value": "string"], required: ["value"]),
            "Variable": object(["name": "string", "value": "string", "repository": "string", "environment": "string", "updated_at": "string"]),
            "EnvironmentRules": object([
                "reviewers": "array", "prevent_self_review": "boolean", "wait_timer": "integer", "branches": "array", "tags": "array",
            ]),
            "Environment": object([
                "name": "string", "rules": "#EnvironmentRules", "latest_deployment": "#Deployment", "updated_at": "string",
            ]),
            "Deployment": object([
                "id": "integer", "repository": "string", "environment": "string", "ref": "string", "sha": "string", "run_id": "integer",
                "job": "string", "creator": "string", "environment_url": "string", "state": "string", "created_at": "string",
                "updated_at": "string", "statuses": "[DeploymentStatus]", "reviews": "[DeploymentReview]",
            ]),
            "DeploymentStatus": object(["state": "string", "description": "string", "creator": "string", "created_at": "string"]),
            "DeploymentReview": object(["reviewer": "string", "role": "string", "state": "string", "comment": "string", "created_at": "string"]),
            "PendingDeployment": object([
                "deployment": "#Deployment", "reviewers": "array", "prevent_self_review": "boolean", "times_out_at": "string",
                "current_user_can_approve": "boolean",
            ]),
            "Review": object(["environments": "array", "state": "string", "comment": "string"], required: ["environments", "state"]),
            "Audit": object([
                "created_at": "string", "actor": "string", "role": "string", "action": "string", "repository": "string", "target": "string",
                "comment": "string",
            ]),
            "Run": object([
                "id": "integer", "repository": "string", "number": "integer", "workflow": "string", "workflow_path": "string", "event": "string",
                "ref": "string", "sha": "string", "actor": "string", "status": "string", "conclusion": "string", "created_at": "string",
                "started_at": "string", "finished_at": "string", "attempt": "integer", "rerun_of": "integer",
            ]),
            "RunPage": object(["runs": "[Run]", "total_count": "integer", "page": "integer", "per_page": "integer"]),
            "RunDetail": object([
                "run": "#Run", "jobs": "array", "annotations": "array", "statuses": "[Status]", "gates": "array", "gates_passed": "boolean",
                "artifacts": "array", "images": "[Image]",
            ]),
            "Image": object([
                "id": "integer", "name": "string", "tags": "array", "digest": "string", "reference": "string", "image_id": "string",
                "size": "integer", "sha": "string", "run_id": "integer", "job": "string", "step": "string", "created_at": "string",
            ]),
            "Rerun": object(["failed_only": "boolean"]),
            "DeployRequest": object(["service": "string", "ref": "string", "image": "string"]),
            "RollbackRequest": object(["service": "string", "to": "integer"]),
            "RolloutControl": object(["action": "string"], required: ["action"]),
            "Rollout": object([
                "id": "integer", "repository": "string", "environment": "string", "kind": "string", "service": "string", "ref": "string",
                "sha": "string", "image": "string", "to_release": "integer", "actor": "string", "state": "string", "releases": "string",
                "error": "string", "created_at": "string", "finished_at": "string", "log": "string", "next_offset": "integer",
            ]),
            "Release": object([
                "id": "string", "number": "integer", "service": "string", "state": "string", "artifact": "string", "commit": "string",
                "creator": "string", "created_at": "string", "events": "array",
            ]),
            "Incident": object([
                "number": "integer", "service": "string", "trigger": "string", "failed_release": "string", "restored_release": "string",
                "detected_at": "string", "time_to_detect": "number", "time_to_restore": "number", "markdown": "string", "resolved_by": "string",
                "resolved_at": "string",
            ]),
            "Alert": object([
                "name": "string", "state": "string", "labels": "object", "annotations": "object", "value": "number", "active_at": "string",
                "fired_at": "string", "muted": "boolean",
            ]),
            "Silence": object([
                "id": "string", "matchers": "array", "starts_at": "string", "ends_at": "string", "state": "string", "created_by": "string",
                "comment": "string",
            ]),
            "CreateSilence": object(["matchers": "array", "duration": "string", "comment": "string"], required: ["matchers", "duration"]),
            "DORA": object([
                "from": "string", "to": "string", "deployments": "integer", "attempts": "integer", "deployments_per_day": "number",
                "frequency": "string", "lead_time_seconds": "number", "changes": "integer", "change_failure_rate": "number",
                "time_to_restore_seconds": "number", "incidents": "integer", "open_incidents": "integer", "success_rate": "number",
                "duration_seconds": "number", "rollbacks": "integer",
            ]),
            "Evidence": object([
                "verified": "boolean", "trusted_key": "boolean", "verdict": "string", "evidence": "string", "signature": "string",
                "public_key": "string",
            ]),
            "Token": object([
                "id": "integer", "name": "string", "role": "string", "created_at": "string", "last_used_at": "string", "token": "string",
            ]),
            "CreateToken": object(["name": "string", "role": "string"], required: ["name", "role"]),
            "Delivery": object([
                "id": "string", "kind": "string", "target": "string", "summary": "string", "state": "string", "attempts": "integer",
                "last_status": "integer", "last_error": "string", "created_at": "string", "updated_at": "string",
            ]),
        ]
    }
}
