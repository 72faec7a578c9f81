module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // The generated client's methods are named as HTTP's (api.GET(...)).
    'new-cap': [
      'error',
      { capIsNewExceptions: ['GET', 'PUT', 'POST', 'DELETE'] },
    ],
  },
});
