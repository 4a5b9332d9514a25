// The shared HS256 secret of the NestJS docs' passport recipe (docs.nestjs.com/recipes/passport),
// a string, as the recipe has it. The bench signs its token with the same value.
export const jwtConstants = {
  secret:
    'DO NOT USE THIS VALUE. INSTEAD, CREATE A COMPLEX SECRET AND KEEP IT SAFE OUTSIDE OF THE SOURCE CODE.',
};
