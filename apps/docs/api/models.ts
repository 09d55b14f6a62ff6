/**
 * The model registry: `models.video(name)` and `models.image(name)` return a typed definition (input
 * schema, endpoints, output type and geometry) that `client.process` validates against before any network
 * call. `defineModel` describes a model the registry does not know yet, and each schema exports JSON Schema.
 *
 * @packageDocumentation
 * @module @decart/models
 */
export * from "@decart/models";
